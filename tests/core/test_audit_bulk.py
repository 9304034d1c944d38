"""core.audit.log_created: the audit of rows written with bulk_create (imports) is
what auditlog writes for a save(), entry for entry, and the record's history shows
it like any other creation."""

import datetime
import json
import re

from auditlog.context import set_actor
from auditlog.diff import model_instance_diff
from auditlog.models import LogEntry
from django.conf import settings
from django.utils.html import strip_tags

from core import audit
from core.models import Role
from core.personal import make_id_number
from core.tenancy import all_regions, jurisdiction
from registry.models import Appointment, Mediator
from tests.factories import CommitteeFactory
from tests.registry.test_import_mediators import mediator_row, run


def _mediator(world, n):
    born = datetime.date(1975, 3, 4)
    mediator = Mediator(
        region=world["a"]["village"],
        name=f"批量{n}",
        id_number=make_id_number("330602", born, n, "M"),
        gender="M",
        birth_date=born,
        phone=f"1391234567{n}",
        bank_account=f"62220202001122334{n}",
        education="college",
    )
    mediator.normalize()
    return mediator


def _json(value):
    return json.loads(json.dumps(value, default=str))


def test_bulk_entries_are_those_auditlog_writes_for_a_save(world):
    clerk = world["a"]["clerk_user"]
    with all_regions():
        role = Role.objects.get(user=clerk)
        with set_actor(clerk), audit.acting_in(role):
            saved = _mediator(world, 1)
            saved.save()
            bulk = Mediator.objects.bulk_create([_mediator(world, 2), _mediator(world, 3)])
            audit.log_created(bulk, actor=clerk, extra=lambda m: {"expertise": [None, "邻里"]})
        by_save = LogEntry.objects.get_for_object(saved).get()
        entries = [LogEntry.objects.get_for_object(m).get() for m in bulk]
    for mediator, entry in zip(bulk, entries, strict=True):
        expected = model_instance_diff(
            None, mediator, use_json_for_changes=settings.AUDITLOG_STORE_JSON_CHANGES
        )
        assert entry.changes == _json({**expected, "expertise": [None, "邻里"]})
        assert entry.action == LogEntry.Action.CREATE and entry.actor == clerk
        assert entry.object_repr == str(mediator) and entry.object_id == mediator.pk
        assert entry.additional_data == by_save.additional_data  # the acting role
    # The same fields as the save's entry, masked the same way.
    assert set(entries[0].changes) - {"expertise"} == set(by_save.changes)
    for field in ("id_number", "phone", "bank_account"):
        assert entries[0].changes[field] == by_save.changes[field] == ["", "******"]


def test_an_imported_mediator_and_post_show_their_creation_in_the_history(world, login):
    clerk = world["a"]["clerk_user"]
    with all_regions():
        CommitteeFactory(code="TWH-A1", region=world["a"]["village"])
    assert run([mediator_row(1, expertise="邻里纠纷")], clerk).ok
    with jurisdiction("330602001"):
        mediator = Mediator.objects.get(name="导入调解员1")
        post = Appointment.objects.get(mediator=mediator)
    html = login(clerk).get(mediator.get_absolute_url()).content.decode()
    section = html.split('<section id="history"', 1)[1].split("</section>", 1)[0]
    text = re.sub(r"\s+", " ", strip_tags(section))
    assert "新建" in text and "导入调解员1" in text and "邻里纠纷" in text
    assert mediator.id_number not in html
    with all_regions():
        assert LogEntry.objects.get_for_object(post).get().actor == clerk
