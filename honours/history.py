"""The histories of honours records whose story spans several rows: a call with its
panel, a nomination with the panel's scores. Pages and the API's ``/history/`` show
the same entries (core.history renders them)."""

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q

from honours.models import HonourCall, Nomination, PanelMember, Score


def _entries(parent_model, parent, child_model, children):
    types = ContentType.objects.get_for_models(parent_model, child_model)
    return (
        LogEntry.objects.filter(
            Q(content_type=types[parent_model], object_id=parent.pk)
            | Q(content_type=types[child_model], object_id__in=list(children))
        )
        .select_related("actor")
        .order_by("-timestamp", "-pk")
    )


def of_call(call):
    """The call's entries and its panel's (who was seated, when)."""
    members = PanelMember._base_manager.filter(call=call).values_list("pk", flat=True)
    return _entries(HonourCall, call, PanelMember, members)


def of_nomination(nomination):
    """The nomination's entries and each score recorded on it."""
    scores = Score._base_manager.filter(nomination=nomination).values_list("pk", flat=True)
    return _entries(Nomination, nomination, Score, scores)
