"""The grading API: rounds with the workflow as actions, applications with their
checks and decision, objections and the level history; bad input is a 400 with the
field named, and nothing is written."""

import datetime

import pytest

from core.tenancy import all_regions
from grading.models import Application, GradingRound, LevelChange

TODAY = datetime.date.today()


def _body(bureau, **overrides):
    data = {
        "bureau": bureau.pk,
        "name": "越城区调解员等级评定",
        "ranks": [3, 4],
        "cutoff_on": (TODAY - datetime.timedelta(days=1)).isoformat(),
        "applications_open_on": TODAY.isoformat(),
        "applications_close_on": (TODAY + datetime.timedelta(days=20)).isoformat(),
        "effective_on": (TODAY + datetime.timedelta(days=60)).isoformat(),
    }
    return {**data, **overrides}


@pytest.fixture
def api(login, world):
    return login(world["a"]["county_user"])


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"cutoff_on": (TODAY + datetime.timedelta(days=5)).isoformat()}, "cutoff_on"),
        ({"ranks": [1]}, "ranks"),
        ({"ranks": []}, "ranks"),
        ({"ranks": ["x"]}, "ranks"),
    ],
)
def test_bad_rounds_are_400_with_the_field(api, world, county, overrides, field):
    response = api.post(
        "/api/v1/grading-rounds/",
        _body(world["a"]["county_bureau"], **overrides),
        content_type="application/json",
    )
    assert response.status_code == 400 and field in response.json(), response.json()
    with all_regions():
        assert not GradingRound.objects.exists()


def test_another_bureau_is_refused(api, world, county):
    response = api.post(
        "/api/v1/grading-rounds/", _body(world["a"]["city_bureau"]), content_type="application/json"
    )
    assert response.status_code == 400 and "bureau" in response.json()


def test_a_round_runs_through_the_api(
    api, login, world, county, django_capture_on_commit_callbacks
):
    strong = county.mediator()
    county.mediator(cases=1)
    county.mediator()
    county.mediator()
    response = api.post(
        "/api/v1/grading-rounds/",
        _body(world["a"]["county_bureau"]),
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    url = f"/api/v1/grading-rounds/{response.json()['id']}/"
    assert response.json()["level_names"] == ["三级", "四级"]
    with django_capture_on_commit_callbacks(execute=True):
        assert api.post(f"{url}compute-eligibility/").status_code == 202
    rows = api.get(f"{url}eligibility/").json()["results"]
    assert len(rows) == 4
    assert api.post(f"{url}open-applications/").json()["status"] == "applications"
    response = api.post(
        f"{url}apply/", {"mediator": strong.pk, "rank": 3}, content_type="application/json"
    )
    assert response.status_code == 201, response.json()
    application = f"/api/v1/grading-applications/{response.json()['id']}/"
    for step in ("check", "review"):
        response = api.post(
            f"{application}{step}/", {"passed": True}, content_type="application/json"
        )
        assert response.status_code == 200, response.json()
    api.post(f"{url}start-review/")
    assert api.post(f"{url}to-panel/").json()["status"] == "panel"
    places = api.get(f"{url}places/").json()
    assert [p["left"] for p in places] == [1, 1]
    response = api.post(f"{application}decide/", {"approve": True}, content_type="application/json")
    assert response.json()["status"] == "approved"
    response = api.post(f"{url}publish-notice/", {}, content_type="application/json")
    assert response.json()["status"] == "notice"
    # Closing during the notice is refused with the reason.
    response = api.post(f"{url}close/")
    assert response.status_code == 400
    assert api.get("/api/v1/levels/").status_code == 200
    assert api.get(f"{url}history/").json()["results"]


def test_levels_list_the_history_with_filters(api, world):
    from tests.factories import _level_change

    change = _level_change(world, "a")
    rows = api.get("/api/v1/levels/", {"mediator": change.mediator.name}).json()["results"]
    assert [row["to_name"] for row in rows] == ["四级"]
    with all_regions():
        assert LevelChange.objects.count() == 1
    assert api.get("/api/v1/levels/", {"mediator": "无此人"}).status_code == 400


def test_mediators_show_their_level_read_only(api, world, county):
    mediator = county.mediator()
    url = f"/api/v1/mediators/{mediator.pk}/"
    assert "level_name" in api.get(url).json()
    api.patch(url, {"level": 1}, content_type="application/json")
    with all_regions():
        mediator.refresh_from_db()
    assert mediator.level is None
    with all_regions():
        assert not Application.objects.exists()
