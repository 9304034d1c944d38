"""Grading records name their pages: a history entry that mentions a round, an
application or an objection links to it."""

import pytest

from core import history
from core.tenancy import all_regions
from grading import services
from grading.models import Application, Objection
from tests.grading_county import TODAY, county_round

pytestmark = pytest.mark.django_db


def test_rounds_applications_and_objections_link_to_their_pages(world, county):
    mediator = county.mediator()
    with county.scope():
        round_ = county_round(world)
        services.compute_eligibility(round_)
    with all_regions():
        services.open_applications(round_)
        application = services.apply(round_, mediator, 4, today=TODAY)
        objection = Objection.objects.create(
            round=round_, application=application, phone="13900001111", text="有异议"
        )
    assert round_.get_absolute_url() == f"/grading/rounds/{round_.pk}/"
    assert application.get_absolute_url() == f"/grading/applications/{application.pk}/"
    assert objection.get_absolute_url() == f"/grading/objections/{objection.pk}/"
    with county.scope():
        application = Application.objects.get(pk=application.pk)
        entries = history.render(history.entries_for(application))
    links = {c.field: c.new_url for e in entries for c in e.changes}
    assert links["round"] == round_.get_absolute_url()
