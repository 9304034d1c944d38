"""The columns of the roster's workbooks — committees, and mediators with one
appointment each — and the blank templates users download to fill them in. Headers
are the models' own field names where there is one, so the workbook says what the
forms say."""

import datetime

from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.imports import BOOL, CHOICE, DATE, Column, template_workbook
from registry.models import (
    Appointment,
    Background,
    Committee,
    CommitteeType,
    Education,
    ExitReason,
    FilingStatus,
    Gender,
    Mediator,
    PaidBy,
    PoliticalStatus,
    Post,
)


def _label(model, name):
    return capfirst(model._meta.get_field(name).verbose_name)


COMMITTEE_COLUMNS = [
    Column(
        "code",
        _label(Committee, "code"),
        required=True,
        example="TWH-330602001001",
        help=Committee._meta.get_field("code").help_text,
        width=20,
    ),
    Column(
        "name", _label(Committee, "name"), required=True, example="某某村人民调解委员会", width=28
    ),
    Column(
        "kind",
        _label(Committee, "kind"),
        CHOICE,
        required=True,
        choices=tuple(CommitteeType.choices),
        example=CommitteeType.VILLAGE.label,
        width=22,
    ),
    Column(
        "region",
        gettext_lazy("Division code"),
        required=True,
        example="330602001001",
        help=gettext_lazy("The 12-digit code of the county, township or village it is in."),
        width=16,
    ),
    Column(
        "office",
        _label(Committee, "office"),
        example="某某镇司法所",
        help=gettext_lazy("The judicial office's name as it is registered."),
        width=18,
    ),
    Column("address", _label(Committee, "address"), example="人民路1号", width=24),
    Column("phone", _label(Committee, "phone"), example="0575-88001234"),
    Column("founded_on", _label(Committee, "founded_on"), DATE, example=datetime.date(2015, 3, 1)),
    Column(
        "industry_field",
        _label(Committee, "industry_field"),
        example="医疗纠纷",
        help=gettext_lazy("An expertise field's name; industry/professional committees need one."),
    ),
    Column(
        "host_institution",
        _label(Committee, "host_institution"),
        help=Committee._meta.get_field("host_institution").help_text,
        width=18,
    ),
    Column(
        "namesake",
        _label(Committee, "namesake"),
        help=Committee._meta.get_field("namesake").help_text,
    ),
    Column(
        "filing_status",
        _label(Committee, "filing_status"),
        CHOICE,
        choices=tuple(FilingStatus.choices),
        example=FilingStatus.FILED.label,
    ),
    Column("filed_on", _label(Committee, "filed_on"), DATE, example=datetime.date(2015, 4, 1)),
]

MEDIATOR_COLUMNS = [
    Column(
        "id_number",
        _label(Mediator, "id_number"),
        required=True,
        example="330602197506010011",
        help=gettext_lazy("Imports match mediators on this number."),
        width=22,
    ),
    Column("name", _label(Mediator, "name"), required=True, example="张三"),
    Column(
        "gender",
        _label(Mediator, "gender"),
        CHOICE,
        choices=tuple(Gender.choices),
        help=gettext_lazy("May be left blank: it is read from the ID card number."),
        width=8,
    ),
    Column(
        "birth_date",
        _label(Mediator, "birth_date"),
        DATE,
        help=gettext_lazy("May be left blank: it is read from the ID card number."),
    ),
    Column("phone", _label(Mediator, "phone"), example="13912345678"),
    Column(
        "education",
        _label(Mediator, "education"),
        CHOICE,
        choices=tuple(Education.choices),
        example=Education.COLLEGE.label,
    ),
    Column(
        "political_status",
        _label(Mediator, "political_status"),
        CHOICE,
        choices=tuple(PoliticalStatus.choices),
        example=PoliticalStatus.CPC.label,
    ),
    Column(
        "background",
        _label(Mediator, "background"),
        CHOICE,
        choices=tuple(Background.choices),
        example=Background.VILLAGE_CADRE.label,
    ),
    Column(
        "expertise",
        _label(Mediator, "expertise"),
        example="婚姻家庭、邻里纠纷",
        help=gettext_lazy("Expertise field names, separated by 、 or a comma."),
        width=22,
    ),
    Column("volunteer", _label(Mediator, "volunteer"), BOOL, width=8),
    Column("expert_pool", _label(Mediator, "expert_pool"), BOOL, width=8),
    Column("bank_name", _label(Mediator, "bank_name"), example="中国农业银行"),
    Column(
        "bank_account", _label(Mediator, "bank_account"), example="6228480012345678901", width=22
    ),
    Column(
        "committee",
        gettext_lazy("Committee code"),
        required=True,
        example="TWH-330602001001",
        help=gettext_lazy("The code of a committee in your jurisdiction."),
        width=20,
    ),
    Column(
        "post",
        _label(Appointment, "post"),
        CHOICE,
        required=True,
        choices=tuple(Post.choices),
        example=Post.MEDIATOR.label,
    ),
    Column(
        "full_time", _label(Appointment, "full_time"), BOOL, example=gettext_lazy("Yes"), width=8
    ),
    Column(
        "paid_by",
        _label(Appointment, "paid_by"),
        CHOICE,
        choices=tuple(PaidBy.choices),
        example=PaidBy.BUREAU.label,
        help=gettext_lazy("Required for a full-time post, and not “Unpaid”."),
    ),
    Column(
        "starts_on",
        gettext_lazy("Post starts on"),
        DATE,
        required=True,
        example=datetime.date(2024, 1, 1),
    ),
    Column(
        "ends_on",
        gettext_lazy("Post ends on"),
        DATE,
        help=gettext_lazy("Only for a post that has ended; then give the exit reason too."),
    ),
    Column(
        "exit_reason",
        _label(Appointment, "exit_reason"),
        CHOICE,
        choices=tuple(ExitReason.choices),
    ),
]


def committee_template() -> bytes:
    return template_workbook(
        _("Committees"),
        COMMITTEE_COLUMNS,
        _("Instructions"),
        notes=[_("One committee per row. Rows are matched on the committee code.")],
    )


def mediator_template() -> bytes:
    return template_workbook(
        _("Mediators"),
        MEDIATOR_COLUMNS,
        _("Instructions"),
        notes=[
            _("One mediator per row, with the post they hold."),
            _("Rows are matched on the ID card number."),
            _("Keep the ID card, phone and bank account columns as text, so every digit stays."),
        ],
    )
