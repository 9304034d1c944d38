"""Reading the published roster. Public pages run without a login or a role, so
every read here names the publication it reads; nothing falls back to the registry."""

from core.models import Bureau
from core.tenancy import all_regions
from publication.models import PublicationStatus, RosterPublication


def live_publication(bureau) -> RosterPublication | None:
    with all_regions():
        return (
            RosterPublication.objects.filter(bureau=bureau, status=PublicationStatus.LIVE)
            .select_related("bureau__region", "requested_by")
            .first()
        )


def live_publication_in(region_code: str) -> RosterPublication | None:
    """The live publication of the bureau governing *region_code*, with its bureau
    and region, in one query; what published it is left out (the public side)."""
    with all_regions():
        return (
            RosterPublication.objects.filter(
                bureau__region_id=region_code, status=PublicationStatus.LIVE
            )
            .select_related("bureau__region")
            .first()
        )


def bureaus_with_live_roster():
    """Bureaus that have published, cities first with their counties after them."""
    with all_regions():
        live = RosterPublication.objects.filter(status=PublicationStatus.LIVE).values("bureau_id")
        return list(
            Bureau.objects.filter(pk__in=live)
            .select_related("region", "parent")
            .order_by("region_id")
        )
