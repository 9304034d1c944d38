"""The check every library text passes: no party's name, no ID- or phone-like number,
however it is written (full-width digits, spaces, dashes)."""

import pytest

from caselibrary import anonymity

NAMES = ["王大锤", "欧阳娜娜"]


@pytest.mark.parametrize(
    "text",
    [
        "王大锤与邻居发生纠纷。",
        "欧阳 娜娜 提出调解申请。",
        "欧阳\u200b娜娜到场。",
        "ＸＸ王大锤ＸＸ",
    ],
)
def test_a_partys_name_is_refused_however_written(text):
    assert anonymity.names_in(text, NAMES)
    assert anonymity.problems(text, NAMES)


@pytest.mark.parametrize(
    "text",
    [
        "联系电话13812345678。",
        "联系电话１３８１２３４５６７８。",
        "电话 138 1234 5678",
        "电话138-1234-5678",
        "座机0575-85123456",
        "身份证号330602197506010011",
        "身份证号33060219750601001X",
        "身份证号３３０６０２１９７５０６０１００１Ｘ",
        "号码8512345",
        "电话一三八一二三四五六七八",
        "电话幺三八 一二三四 五六七八",
        "电话１３８一二三四五六七八",
        "身份证号٣٣٠٦٠٢١٩٧٥٠٦٠١٠٠١١",
    ],
)
def test_an_id_or_phone_like_number_is_refused(text):
    assert anonymity.personal_numbers(text), text
    assert anonymity.problems(text, [])


@pytest.mark.parametrize(
    "text",
    [
        "甲与乙于2024-05-01发生纠纷，2024年5月1日达成协议。",
        "甲赔偿乙12000元，另付1200000元分期。",
        "涉及面积1500000平方米的林地。",
        "张某与李某达成协议，金额¥3000000。",
        "甲一五一十地说明了情况，二〇二四年五月一日达成协议，一二三四五六户受益。",
    ],
)
def test_dates_amounts_and_letters_pass(text):
    assert anonymity.problems(text, NAMES) == []


def test_the_draft_replaces_names_by_letters_and_numbers_by_crosses():
    draft = anonymity.draft("王大锤与欧阳娜娜纠纷，王大锤电话13812345678。", NAMES)
    assert draft == "甲与乙纠纷，甲电话××××××。"
    assert anonymity.problems(draft, NAMES) == []


def test_a_number_in_chinese_numerals_is_reported_as_written_and_crossed_out():
    text = "甲电话一三八一二三四五六七八。"
    assert anonymity.personal_numbers(text) == ["一三八一二三四五六七八"]
    assert anonymity.draft(text, NAMES) == "甲电话××××××。"
