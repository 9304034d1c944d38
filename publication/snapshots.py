"""The publication preview's counts, kept as a snapshot for a large bureau
(core.snapshots): a province's roster is a million posts to count against the live
version. Publishing drops the kept previews (services.publish)."""

from django.http import QueryDict

from core import snapshots
from core.models import Bureau
from publication import services


@snapshots.report(services.PREVIEW, opens_with=snapshots.for_the_bureau)
def preview(query):
    return services.preview(Bureau.objects.select_related("region").get(pk=query["bureau"]))


def read(bureau) -> snapshots.Figures:
    """The preview of *bureau*'s next publication, kept or computed now."""
    return snapshots.read(
        services.PREVIEW, QueryDict(f"bureau={bureau.pk}"), compute=lambda: services.preview(bureau)
    )
