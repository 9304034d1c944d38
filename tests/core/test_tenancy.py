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
