import pytest

from core.models import Bureau, JudicialOffice, Region, Role
from core.tenancy import ScopeError, active_prefix, all_regions, jurisdiction, with_jurisdiction


def test_an_unscoped_query_on_a_tenant_model_raises(world):
    with pytest.raises(ScopeError):
        list(JudicialOffice.objects.all())
    with pytest.raises(ScopeError):
        JudicialOffice.objects.count()
    with pytest.raises(ScopeError):
        JudicialOffice.objects.filter(name="x").exists()
    with pytest.raises(ScopeError):
        JudicialOffice.objects.get(pk=world["a"]["office"].pk)


def test_an_unscoped_update_or_delete_raises(world):
    with pytest.raises(ScopeError):
        JudicialOffice.objects.all().update(name="x")
    with pytest.raises(ScopeError):
        Bureau.objects.all().delete()


def test_a_queryset_built_without_scope_works_once_a_scope_is_active(world):
    # ModelForm and FilterSet fields build their querysets at import time.
    built_early = JudicialOffice.objects.all()
    with jurisdiction(world["a"]["county"].prefix):
        assert list(built_early.all()) == [world["a"]["office"]]


@pytest.mark.parametrize("built_in", ["all regions", "another county"])
def test_a_queryset_kept_from_a_wider_or_other_scope_never_answers_with_its_rows(world, built_in):
    """A class attribute built when its module was first imported inside a request
    (or inside all_regions()) must not carry that scope to the next request."""
    wider = all_regions() if built_in == "all regions" else jurisdiction("330102")
    with wider:
        kept = JudicialOffice.objects.select_related("region")
    own = world["a"]["office"]
    with jurisdiction(world["a"]["county"].prefix):
        # all(), as DRF and form fields call per request: narrowed to this jurisdiction.
        assert set(kept.all()) <= {own}
        assert world["b"]["office"] not in set(kept.all())
        # Any other evaluation is refused rather than answered from the wider scope.
        for evaluate in (list, lambda q: q.count(), lambda q: q.exists(), lambda q: q.get()):
            with pytest.raises(ScopeError):
                evaluate(kept.filter(name__contains="镇"))
        with pytest.raises(ScopeError):
            list(Bureau.objects.filter(offices__in=kept))
    if built_in == "all regions":
        with jurisdiction(world["a"]["county"].prefix):
            assert list(kept.all()) == [own]


def test_a_queryset_built_in_a_jurisdiction_may_be_read_in_a_wider_one(world):
    with jurisdiction(world["a"]["county"].prefix):
        narrow = JudicialOffice.objects.all()
    with jurisdiction(world["a"]["city"].prefix):
        assert list(narrow) == [world["a"]["office"]]
    with all_regions():
        assert list(narrow.all()) == [world["a"]["office"]]


def test_an_unscoped_queryset_used_as_a_subquery_raises(world):
    unscoped = JudicialOffice.objects.filter(name__contains="镇")
    with jurisdiction("3306"), pytest.raises(ScopeError):
        list(Bureau.objects.filter(offices__in=unscoped))


def test_all_regions_lifts_the_scope_explicitly(world):
    with all_regions():
        assert JudicialOffice.objects.count() == 3
    assert active_prefix() is None


def test_a_city_sees_its_counties_a_county_only_itself_a_township_only_itself(world):
    a = world["a"]
    with jurisdiction(a["city"].prefix):
        assert set(Bureau.objects.all()) == {
            a["city_bureau"],
            a["county_bureau"],
            world["a2"]["county_bureau"],
        }
    with jurisdiction(a["county"].prefix):
        assert set(Bureau.objects.all()) == {a["county_bureau"]}
        assert set(JudicialOffice.objects.all()) == {a["office"]}
    with jurisdiction(world["a2"]["county"].prefix):
        assert set(JudicialOffice.objects.all()) == {world["a2"]["office"]}
    with jurisdiction(a["township"].prefix):
        assert set(Region.objects.all()) == {a["township"], a["village"]}


def test_related_managers_are_scoped_too(world):
    a = world["a"]
    with jurisdiction(world["a2"]["county"].prefix):
        assert list(a["county_bureau"].offices.all()) == []
    with jurisdiction(a["county"].prefix):
        assert list(a["county_bureau"].offices.all()) == [a["office"]]


def test_the_task_decorator_runs_inside_the_roles_jurisdiction(world):
    seen = {}

    @with_jurisdiction
    def task(**kwargs):
        seen["prefix"] = active_prefix()
        seen["offices"] = list(JudicialOffice.objects.all())

    with all_regions():
        role = Role.objects.get(user=world["b"]["county_user"])
    task(role_id=role.pk)
    assert seen == {"prefix": "330102", "offices": [world["b"]["office"]]}
    task(bureau_id=world["a2"]["county_bureau"].pk)
    assert seen == {"prefix": "330603", "offices": [world["a2"]["office"]]}


def test_the_task_decorator_refuses_a_task_with_no_jurisdiction(world):
    @with_jurisdiction
    def task(**kwargs):
        return JudicialOffice.objects.count()

    with pytest.raises(ScopeError):
        task()


def test_the_urlconf_is_imported_when_the_site_starts_outside_any_request():
    """Views' class-level querysets are built at import: a process must import them
    before its first request, whose jurisdiction they would otherwise be built in."""
    import subprocess
    import sys

    probe = (
        "import sys, django; django.setup(); "
        "from django.core.handlers.wsgi import WSGIHandler; "
        "assert 'registry.api.mediators' not in sys.modules; WSGIHandler(); "
        "assert 'registry.api.mediators' in sys.modules"
    )
    subprocess.run([sys.executable, "-c", probe], check=True, timeout=60)
