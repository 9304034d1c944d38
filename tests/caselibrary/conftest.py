import datetime

import pytest

from core.tenancy import all_regions
from mediation import services as cases
from tests.factories import _appointment, make_case

PARTIES = [
    {"role": "applicant", "name": "王大锤", "id_number": "", "phone": "13812345678"},
    {"role": "respondent", "name": "欧阳娜娜"},
]
SUMMARY = "王大锤与欧阳娜娜因宅基地界线发生纠纷，王大锤（电话13812345678）申请调解。"


def closed_case(world, side="a", **fields):
    with all_regions():
        appointment = _appointment(world, side)
        case = make_case(
            appointment.committee,
            appointment.mediator,
            parties=PARTIES,
            summary=SUMMARY,
            **fields,
        )
        return cases.close_case(
            case, closed_on=datetime.date(2025, 4, 1), result="success", agreement_form="written"
        )


@pytest.fixture
def case(world):
    return closed_case(world)
