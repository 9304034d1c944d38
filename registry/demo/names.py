"""Word lists and small generators for the roster's demo data: people's names weighted
the way they occur in Zhejiang, addresses, phones, bank cards, company names."""

import datetime

# Surname → weight, roughly their frequency in Shaoxing (寿, 茹, 骆 and 斯 are local).
SURNAMES = {
    "王": 7, "陈": 7, "张": 5, "李": 4, "徐": 4, "周": 4, "吴": 3, "金": 3, "杨": 3,
    "胡": 3, "沈": 3, "孙": 2, "朱": 2, "何": 2, "钱": 2, "俞": 2, "赵": 2, "黄": 2,
    "蒋": 2, "章": 2, "傅": 2, "宋": 1, "潘": 1, "许": 1, "丁": 1, "袁": 1, "方": 1,
    "马": 1, "高": 1, "郭": 1, "寿": 1, "茹": 1, "骆": 1, "魏": 1, "谢": 1, "叶": 1,
    "冯": 1, "屠": 1, "施": 1, "钟": 1, "宣": 1, "娄": 1, "斯": 1, "吕": 1, "单": 1,
    "董": 1, "任": 1, "邵": 1, "陶": 1, "孟": 1,
}  # fmt: skip

# Given names change with the generation: 建国 and 秀英 are born before 1975, 浩 and 婷 after.
GIVEN_NAMES = {
    ("M", "old"): [
        "建国", "国庆", "建华", "国强", "志刚", "卫东", "建明", "立新", "国良", "永康",
        "松林", "关根", "阿根", "水根", "金土", "国平", "志明", "荣华", "文华", "建平",
        "伟民", "兴法", "炳炎", "正福", "如海", "长根", "利民", "德明", "桂林", "明德",
        "振华", "建忠", "学军", "红军", "海林", "卫国", "国荣", "福生", "百川", "炳章",
    ],
    ("M", "young"): [
        "伟", "军", "斌", "勇", "峰", "杰", "浩", "磊", "涛", "鹏",
        "超", "强", "俊", "波", "晨", "宇", "伟强", "立峰", "晓东", "海峰",
        "建锋", "俊杰", "志远", "文斌", "晓峰", "浩然", "天宇", "一鸣", "哲", "凯",
        "洋", "帅", "骏", "旭东", "利锋", "剑锋",
    ],
    ("F", "old"): [
        "秀英", "美华", "丽萍", "素珍", "月娥", "桂芳", "秋萍", "建英", "雅萍", "玉兰",
        "凤英", "彩娟", "美娟", "巧英", "爱华", "小娟", "亚萍", "春燕", "金娣", "菊英",
        "红英", "丽华", "国芬", "水娟",
    ],
    ("F", "young"): [
        "红", "燕", "芳", "丽", "敏", "静", "霞", "玲", "琴", "慧",
        "婷", "颖", "洁", "晓燕", "海燕", "丽娟", "佳", "倩", "丹", "蕾",
        "雪", "莉", "晓红", "燕萍", "佳怡", "思思", "梦婷", "雅琴", "晓丽", "艳",
    ],
}  # fmt: skip

ROADS = [
    "人民路", "解放路", "中兴路", "胜利路", "延安路", "环城西路", "越州大道",
    "鉴湖路", "兴越路", "笛扬路", "湖东路", "百官大道", "浣东路", "艮塔路",
    "官河路", "鼓山路", "江滨路", "青年路", "东湖路", "迎恩路",
]  # fmt: skip

MOBILE_PREFIXES = [
    "130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152",
    "153", "155", "157", "158", "159", "177", "180", "181", "182", "186", "187", "188",
    "189", "198", "199",
]  # fmt: skip

# Bank → card prefix; each county also has its own rural commercial bank.
BANKS = {
    "中国工商银行": "622208",
    "中国农业银行": "622848",
    "中国银行": "621785",
    "中国建设银行": "621700",
    "绍兴银行": "621268",
}
RURAL_BANKS = {
    "越城区": "浙江绍兴恒信农村商业银行",
    "柯桥区": "浙江绍兴瑞丰农村商业银行",
    "上虞区": "浙江上虞农村商业银行",
    "新昌县": "浙江新昌农村商业银行",
    "诸暨市": "浙江诸暨农村商业银行",
    "嵊州市": "浙江嵊州农村商业银行",
}

# The trades each county is known for, for enterprise committees' names.
TRADES = {
    "越城区": ["黄酒", "纺织", "建设", "物流"],
    "柯桥区": ["纺织", "印染", "化纤", "轻纺"],
    "上虞区": ["化工", "电机", "伞业", "建设"],
    "新昌县": ["制药", "轴承", "茶业", "机械"],
    "诸暨市": ["袜业", "珍珠", "五金", "建设"],
    "嵊州市": ["领带", "厨具", "茶业", "电器"],
}
DEFAULT_TRADES = ["纺织", "机械", "建设", "电器"]
COMPANY_STEMS = list("华达恒兴宏远永盛鑫源荣昌天成金通瑞丰佳和新泰")

TRAINER_TITLES = [
    "绍兴市中级人民法院法官",
    "{county}人民法院法官",
    "律师",
    "市司法局",
    "{county}司法局",
    "一级人民调解员",
    "高校法学院副教授",
    "心理咨询师",
]

LEAVE_REASONS = {
    "sick": ["感冒发烧就医", "腰椎间盘突出理疗", "住院手术", "牙科治疗"],
    "personal": ["家中老人住院陪护", "子女升学事务", "搬家", "处理家庭事务"],
    "annual": ["年休假", "带薪年休假"],
    "other": ["婚假", "丧假", "参加业务竞赛"],
}


def weighted(rng, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def person_name(rng, gender: str, born: datetime.date) -> str:
    generation = "old" if born.year < 1975 else "young"
    return weighted(rng, SURNAMES) + rng.choice(GIVEN_NAMES[gender, generation])


def mobile(rng) -> str:
    return rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"


def landline(rng) -> str:
    return f"0575-8{rng.randrange(10**7):07d}"


def street_address(rng, county_name: str, lane=False) -> str:
    lane = f"{rng.randint(1, 99)}弄" if lane else ""
    return f"绍兴市{county_name}{rng.choice(ROADS)}{lane}{rng.randint(1, 399)}号"


def bank_card(rng, county_name: str) -> tuple[str, str]:
    if rng.random() < 0.4:
        return RURAL_BANKS.get(county_name, "浙江农商联合银行"), "623091" + _digits(rng, 13)
    bank = rng.choice(list(BANKS))
    return bank, BANKS[bank] + _digits(rng, 13)


def _digits(rng, count: int) -> str:
    return f"{rng.randrange(10**count):0{count}d}"


def add_years(day: datetime.date, years: int) -> datetime.date:
    """*day* moved by whole years, 29 February to the 28th in a year without one, as
    dateutil's relativedelta does, at a fraction of its cost (the province-sized demo
    moves millions of dates)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def age(born: datetime.date, on: datetime.date) -> int:
    """Whole years from *born* to *on*."""
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def between(rng, earliest: datetime.date, latest: datetime.date) -> datetime.date:
    """A day from *earliest* to *latest*; *earliest* if the span is empty."""
    if latest <= earliest:
        return earliest
    return earliest + datetime.timedelta(days=rng.randint(0, (latest - earliest).days))
