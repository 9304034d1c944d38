"""Publishing the roster: copy the public fields of every serving mediator of a
bureau into a new snapshot and make it live in one transaction."""

import datetime
from collections import defaultdict

from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Exists, F, Max, Min, OrderBy, OuterRef, Q, Window
from django.db.models.expressions import RawSQL
from django.db.models.functions import Collate, RowNumber
from django.utils import timezone

from core import bulk, policy, snapshots
from core.tenancy import all_regions, jurisdiction
from publication import cache as public_cache
from publication.models import (
    PublicationStatus,
    PublishedCommittee,
    PublishedMediator,
    RosterPublication,
)
from publication.regions import label_names, region_label
from publication.rows import RowHtml
from publication.search import grams_vector, normalise
from registry.models import (
    Appointment,
    CommitteeStatus,
    CommitteeType,
    Mediator,
    MediatorStatus,
)
from registry.models.appointments import held_on

BATCH = 5000  # rows of a snapshot read and written at a time


def serving_posts(bureau, as_of: datetime.date):
    """Posts held on *as_of* by serving mediators in active committees of the
    bureau's region: what a roster is made of."""
    with jurisdiction(bureau.region.prefix):
        return Appointment.objects.filter(held_on(as_of)).filter(
            mediator__status=MediatorStatus.ACTIVE, committee__status=CommitteeStatus.ACTIVE
        )


def roster_filter(bureau, as_of: datetime.date):
    """The posts the public roster lists: full-time only if the bureau says so."""
    posts = serving_posts(bureau, as_of)
    if policy.value(bureau, "roster_full_time_only"):
        posts = posts.filter(full_time=True)
    return posts


# A mediator's main post: the full-time one, else the longest held (then the first).
MAIN_FIRST = ("-full_time", "starts_on", "pk")


def roster_queryset(bureau, as_of: datetime.date):
    """The posts the public roster lists, ordered so that each mediator's main post
    comes first."""
    return (
        roster_filter(bureau, as_of)
        .select_related("committee__region", "mediator")
        .only(
            "starts_on",
            "full_time",
            "mediator_id",
            "mediator__name",
            "mediator__gender",
            "mediator__level",
            "mediator__level_name",
            "mediator__photo",
            "mediator__photo_public",
            "committee__code",
            "committee__name",
            "committee__kind",
            "committee__address",
            "committee__namesake",
            "committee__region__code",
            "committee__region__name",
        )
        .order_by("mediator_id", *MAIN_FIRST)
    )


SAMPLE = 20
PREVIEW = "publication.preview"  # its snapshot's key (publication.snapshots)


def preview(bureau, as_of: datetime.date | None = None) -> dict:
    """What publishing now would publish, next to what is live: for the confirmation
    page. Counted by the database (a province's roster is a million posts): one
    aggregate, one count of those leaving, and the posts of the first mediators for
    the sample. Kept as a snapshot for a large bureau (publication.snapshots)."""
    as_of = as_of or datetime.date.today()
    posts = roster_queryset(bureau, as_of)
    with all_regions():
        live = RosterPublication.objects.filter(
            bureau=bureau, status=PublicationStatus.LIVE
        ).first()
    # NOT EXISTS, not NOT IN: PostgreSQL joins it as an anti-join however many ids
    # there are, where a NOT IN list larger than work_mem is searched row by row.
    listed = PublishedMediator._base_manager.filter(
        publication=live, mediator_id=OuterRef("mediator_id")
    )
    mediators = Count("mediator_id", distinct=True)
    counts = posts.order_by().aggregate(
        mediator_count=mediators,
        committee_count=Count("committee_id", distinct=True),
        added=Count("mediator_id", distinct=True, filter=~Exists(listed)) if live else mediators,
    )
    removed = 0
    if live:
        roster = posts.order_by().filter(mediator_id=OuterRef("mediator_id"))
        removed = (
            PublishedMediator._base_manager.filter(publication=live).filter(~Exists(roster)).count()
        )
    return {"as_of": as_of, **counts, "removed": removed, "live": live, "sample": _sample(posts)}


def _sample(posts) -> list:
    """The main posts of the first SAMPLE mediators (posts come by mediator)."""
    first = []
    for post in posts.iterator(chunk_size=4 * SAMPLE):
        if first and post.mediator_id == first[-1][0].mediator_id:
            first[-1].append(post)
        elif len(first) == SAMPLE:
            break
        else:
            first.append([post])
    return [mediator_posts[0] for mediator_posts in first]


def request_publication(bureau, *, user=None, period: str = "") -> RosterPublication:
    """A pending publication with the bureau's next version number. With a *period*
    (a scheduled run) asking twice gives the same publication."""
    with all_regions(), transaction.atomic():
        if period:
            existing = RosterPublication.objects.filter(bureau=bureau, period=period).first()
            if existing is not None:
                return existing
        # Lock the bureau's publications so two requests cannot take one version.
        last = (
            RosterPublication.objects.select_for_update()
            .filter(bureau=bureau)
            .aggregate(last=Max("version"))["last"]
        )
        try:
            with transaction.atomic():
                return RosterPublication.objects.create(
                    bureau=bureau, version=(last or 0) + 1, period=period, requested_by=user
                )
        except IntegrityError:
            if period:
                return RosterPublication.objects.get(bureau=bureau, period=period)
            raise


def publish(publication: RosterPublication, progress=None) -> RosterPublication:
    """Write the snapshot and make it live. Idempotent: a publication that is already
    live (or superseded) is returned as it is. On failure the publication is marked
    failed and whatever was live stays live."""
    with all_regions():
        publication = RosterPublication.objects.select_related("bureau__region").get(
            pk=publication.pk
        )
    if publication.status in (PublicationStatus.LIVE, PublicationStatus.SUPERSEDED):
        return publication
    try:
        _write(publication, progress)
    except Exception as exc:
        with all_regions():
            RosterPublication.objects.filter(pk=publication.pk).update(
                status=PublicationStatus.FAILED, error=str(exc)[:2000]
            )
        raise
    transaction.on_commit(lambda: public_cache.forget_live(publication.bureau_id))
    # A kept preview compares with the version that was live until now.
    transaction.on_commit(lambda: snapshots.forget(PREVIEW))
    publication.refresh_from_db()
    return publication


def main_posts(bureau, as_of: datetime.date):
    """Each listed mediator's main post (the first in MAIN_FIRST's order of their
    posts the roster lists)."""
    first = Window(
        RowNumber(),
        partition_by=[F("mediator_id")],
        order_by=[
            OrderBy(F(name.lstrip("-")), descending=name.startswith("-")) for name in MAIN_FIRST
        ],
    )
    return roster_filter(bureau, as_of).annotate(first=first).filter(first=1)


COMMITTEE_FIELDS = ("code", "name", "kind", "region_id", "address", "namesake")
MEDIATOR_FIELDS = ("name", "gender", "level", "level_name", "photo", "photo_public")


def _write(publication, progress):
    """The snapshot, written in batches as it is read: a province's roster is
    888,000 mediators, whose posts, rows and rendered lines held at once took
    gigabytes. The committees first (their rows the mediators' point to), then the
    mediators in the public order (region, name, record number), which numbers them
    (``position``)."""
    bureau = publication.bureau
    as_of = timezone.localdate()
    with all_regions(), transaction.atomic():
        # Re-running after a failure starts from a clean slate.
        PublishedMediator.objects.filter(publication=publication).delete()
        PublishedCommittee.objects.filter(publication=publication).delete()
        main = main_posts(bureau, as_of)
        committees, total = _write_committees(publication, main)
        if progress:
            progress(0, total)
        done = 0
        rows = main.order_by(
            "committee__region_id", _in_code_point_order("mediator__name"), "mediator_id"
        ).values_list(
            "mediator_id",
            "committee_id",
            "committee__code",
            "committee__name",
            "committee__region_id",
            "committee__region__name",
            "full_time",
            "starts_on",
            *(f"mediator__{name}" for name in MEDIATOR_FIELDS),
        )
        lines = RowHtml(bureau)
        batch = []
        for row in rows.iterator(chunk_size=BATCH):
            batch.append(row)
            if len(batch) == BATCH:
                done = _write_mediators(publication, as_of, batch, committees, lines, done)
                batch = []
                if progress:
                    progress(done, total)
        done = _write_mediators(publication, as_of, batch, committees, lines, done)
        RosterPublication.objects.filter(bureau=bureau, status=PublicationStatus.LIVE).update(
            status=PublicationStatus.SUPERSEDED
        )
        publication.status = PublicationStatus.LIVE
        publication.published_at = timezone.now()
        publication.as_of = as_of
        publication.mediator_count = done
        publication.committee_count = len(committees)
        publication.error = ""
        publication.save()
    if progress:
        progress(done, total)
    return publication


def _in_code_point_order(field):
    """*field* ordered as Python orders strings (by code point), whatever the
    database's collation: the order the roster has always been numbered in."""
    if connection.vendor == "postgresql":
        return Collate(field, "C")
    return F(field)  # SQLite compares text by its bytes, code point order in UTF-8


def _write_committees(publication, main) -> tuple[dict[int, int], int]:
    """The committees of the main posts, each with how many it lists, in the order
    they first come by mediator: {registry committee id: published row id}, and how
    many mediators there are."""
    grouped = (
        Appointment._base_manager.filter(pk__in=main.values("pk"))
        .values(
            "committee_id",
            "committee__region__name",
            *(f"committee__{name}" for name in COMMITTEE_FIELDS),
        )
        .annotate(count=Count("pk"), first=Min("mediator_id"))
        .order_by("first")
    )
    template = PublishedCommittee(publication=publication)
    committees, total, batch = {}, 0, []

    def write():
        rows = [
            {
                "committee_id": row["committee_id"],
                **{name: row[f"committee__{name}"] for name in COMMITTEE_FIELDS},
                "region_name": row["committee__region__name"],
                "mediator_count": row["count"],
            }
            for row in batch
        ]
        keys = bulk.insert_like(template, rows, keys=True)
        committees.update(zip((row["committee_id"] for row in rows), keys, strict=True))

    for row in grouped.iterator(chunk_size=BATCH):
        batch.append(row)
        total += row["count"]
        if len(batch) == BATCH:
            write()
            batch = []
    write()
    return committees, total


def _among(field, ids) -> Q:
    """*field* is one of *ids*. On PostgreSQL as one array (``IN (SELECT unnest(…))``):
    Django prepares an IN list value by value, and psycopg parses the statement for
    each, which took a third of a batch's time."""
    if connection.vendor == "postgresql":
        return Q(**{f"{field}__in": RawSQL("SELECT unnest(%s::bigint[])", [ids])})
    return Q(**{f"{field}__in": ids})


def _write_mediators(publication, as_of, batch, committees, lines, done) -> int:
    """One batch of the roster's rows, numbered from *done*; returns the next number."""
    if not batch:
        return done
    ids = [row[0] for row in batch]
    with jurisdiction(publication.bureau.region.prefix):
        expertise = defaultdict(list)
        for mediator_id, code, name in (
            Mediator.expertise.through.objects.filter(_among("mediator_id", ids))
            .order_by("mediator_id", "pk")
            .values_list("mediator_id", "expertisefield_id", "expertisefield__name")
        ):
            expertise[mediator_id].append((code, name))
        # A mediator's named mediation room: the last in their posts' order.
        named_rooms = dict(
            roster_filter(publication.bureau, as_of)
            .filter(_among("mediator_id", ids), committee__kind=CommitteeType.NAMED)
            .order_by("mediator_id", *MAIN_FIRST)
            .values_list("mediator_id", "committee__name")
        )
    names = label_names({row[4] for row in batch})
    rows = []
    for position, row in enumerate(batch, start=done):
        mediator_id, committee_id, code, committee_name, region_id, region_name = row[:6]
        full_time, starts_on, name, gender, level, level_name, photo, photo_public = row[6:]
        fields = expertise.get(mediator_id, [])
        expertise_names = "、".join(name for _code, name in fields)
        label = region_label(region_id, names)
        rows.append(
            {
                "search_name": normalise(name),
                "name_grams": grams_vector(name, publication.pk),
                "mediator_id": mediator_id,
                "name": name,
                "gender": gender,
                "level": level,
                "level_name": level_name,
                "committee_id": committees[committee_id],
                "region_id": region_id,
                "expertise_names": expertise_names,
                "named_room": named_rooms.get(mediator_id, ""),
                "full_time": full_time,
                "appointed_since": starts_on,
                "has_photo": bool(photo) and photo_public,
                "position": position,
                "row_html": lines(
                    mediator_id=mediator_id,
                    name=name,
                    full_time=full_time,
                    level_name=level_name,
                    committee_code=code,
                    committee_name=committee_name,
                    region_label=label,
                    region_name=region_name,
                    expertise_names=expertise_names,
                ),
            }
        )
    keys = bulk.insert_like(PublishedMediator(publication=publication), rows, keys=True)
    links = [
        {"publishedmediator_id": key, "expertisefield_id": code}
        for key, row in zip(keys, rows, strict=True)
        for code, _name in expertise.get(row["mediator_id"], [])
    ]
    bulk.insert_like(PublishedMediator.expertise.through(), links)
    return done + len(rows)
