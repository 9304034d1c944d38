"""Hostile values (tests/hostile/values.py) sent to every field of the evaluation's
forms and filters at once: never a 5xx, and a refused request writes nothing."""

import pytest

from core.tenancy import all_regions
from evaluation import services
from evaluation.models import EvaluationEntry, RenewalCandidate
from tests.evaluation.conftest import YEAR
from tests.hostile.values import FORM_VALUES
from tests.hostile.walk import fingerprint

pytestmark = pytest.mark.django_db

FIELDS = {
    "run": ["year"],
    "adjust": ["grade", "reason"],
    "decide": ["decision", "ends_on", "note"],
    "entries": ["mediator", "committee", "grade", "page"],
    "list": ["year", "status", "sort", "page"],
    "candidates": ["year", "mediator", "reason", "decision", "sort"],
}


def test_hostile_values_never_crash_nor_write(login, world, county):
    staff = login(world["a"]["county_user"])
    for cases in (12, 3):
        county.mediator(cases=cases)
    weak = county.mediator(cases=1, failed=1, satisfaction=1, fulfilled=False, trained=False)
    with county.scope():
        evaluation = services.evaluate_year(county.bureau, YEAR)
        services.review(evaluation, user=world["a"]["county_user"])
        services.publish(evaluation)
    with all_regions():
        entry = EvaluationEntry.objects.filter(evaluation=evaluation).first()
        candidate = RenewalCandidate.objects.get(mediator=weak)
    posts = {
        "run": "/evaluations/run/",
        "adjust": f"/evaluations/entries/{entry.pk}/grade/",
        "decide": f"/evaluations/renewals/{candidate.pk}/",
    }
    gets = {
        "entries": evaluation.get_absolute_url(),
        "list": "/evaluations/",
        "candidates": "/evaluations/renewals/",
    }
    for hostile in FORM_VALUES:
        for key, url in posts.items():
            data = {name: hostile.value for name in FIELDS[key]}
            before = fingerprint(candidate)
            response = staff.post(url, data)
            assert response.status_code < 500, (url, hostile)
            assert fingerprint(candidate) == before, (url, hostile)
        for key, url in gets.items():
            data = {name: hostile.value for name in FIELDS[key]}
            assert staff.get(url, data).status_code < 500, (url, hostile)
