from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.apps import apps

from core.models import JudicialOffice, Role
from core.tenancy import TenantModel, all_regions, with_jurisdiction


def test_every_tenant_model_is_audited():
    tenant_models = [m for m in apps.get_models() if issubclass(m, TenantModel)]
    assert len(tenant_models) >= 5
    assert [m for m in tenant_models if not auditlog.contains(m)] == []


def test_a_write_in_a_task_is_audited_with_the_role_as_actor(world):
    @with_jurisdiction
    def rename(**kwargs):
        office = JudicialOffice.objects.get()
        office.name = "任务改名司法所"
        office.save()
        return office

    with all_regions():
        role = Role.objects.get(user=world["a"]["clerk_user"])
    office = rename(role_id=role.pk)
    with all_regions():
        entry = LogEntry.objects.get_for_object(office).latest("timestamp")
    assert entry.actor == world["a"]["clerk_user"]
    assert entry.changes_dict["name"][1] == "任务改名司法所"


def test_a_write_outside_any_request_is_still_audited(world):
    with all_regions():
        office = world["b"]["office"]
        office.phone = "0571-12345678"
        office.save()
        entry = LogEntry.objects.get_for_object(office).latest("timestamp")
    assert entry.actor is None  # shown as “系统” on the page
    assert entry.changes_dict["phone"][1] == "0571-12345678"
