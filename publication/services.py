"""Publishing the roster: copy the public fields of every serving mediator of a
bureau into a new snapshot and make it live in one transaction."""

import datetime
from collections import defaultdict

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, Max, OuterRef
from django.template.loader import get_template
from django.utils import timezone, translation

from core import policy, snapshots
from core.tenancy import all_regions, jurisdiction
from publication import cache as public_cache
from publication.models import (
    PublicationStatus,
    PublishedCommittee,
    PublishedMediator,
    RosterPublication,
)
from publication.regions import label_names, region_label
from publication.search import grams_vector, normalise
from registry.models import (
    Appointment,
    CommitteeStatus,
    CommitteeType,
    Mediator,
    MediatorStatus,
)
from registry.models.appointments import held_on

BATCH = 2000


def serving_posts(bureau, as_of: datetime.date):
    """Posts held on *as_of* by serving mediators in active committees of the
    bureau's region: what a roster is made of."""
    with jurisdiction(bureau.region.prefix):
        return Appointment.objects.filter(held_on(as_of)).filter(
            mediator__status=MediatorStatus.ACTIVE, committee__status=CommitteeStatus.ACTIVE
        )


def roster_queryset(bureau, as_of: datetime.date):
    """The posts the public roster lists (full-time only if the bureau says so),
    ordered so that each mediator's main post comes first."""
    posts = (
        serving_posts(bureau, as_of)
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
        .order_by("mediator_id", "-full_time", "starts_on", "pk")
    )
    if policy.value(bureau, "roster_full_time_only"):
        posts = posts.filter(full_time=True)
    return posts


def roster_posts(bureau, as_of: datetime.date):
    return list(roster_queryset(bureau, as_of))


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


def _main_posts(posts) -> list:
    """One post per mediator: the full-time one, else the longest held (posts come
    ordered so that it is the first of each mediator's)."""
    seen, main = set(), []
    for post in posts:
        if post.mediator_id not in seen:
            seen.add(post.mediator_id)
            main.append(post)
    return main


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


def _write(publication, progress):
    bureau = publication.bureau
    as_of = timezone.localdate()
    posts = roster_posts(bureau, as_of)
    main = _main_posts(posts)
    named_rooms = {
        post.mediator_id: post.committee.name
        for post in posts
        if post.committee.kind == CommitteeType.NAMED
    }
    with jurisdiction(bureau.region.prefix):
        expertise = defaultdict(list)
        for mediator_id, code, name in Mediator.expertise.through.objects.filter(
            mediator_id__in=[post.mediator_id for post in main]
        ).values_list("mediator_id", "expertisefield_id", "expertisefield__name"):
            expertise[mediator_id].append((code, name))
    total = len(main)
    if progress:
        progress(0, total)
    with all_regions(), transaction.atomic():
        # Re-running after a failure starts from a clean slate.
        PublishedMediator.objects.filter(publication=publication).delete()
        PublishedCommittee.objects.filter(publication=publication).delete()
        committees = {}
        per_committee = defaultdict(int)
        for post in main:
            per_committee[post.committee_id] += 1
        for post in main:
            committee = post.committee
            if committee.pk in committees:
                continue
            committees[committee.pk] = PublishedCommittee(
                publication=publication,
                committee_id=committee.pk,
                code=committee.code,
                name=committee.name,
                kind=committee.kind,
                region_id=committee.region_id,
                region_name=committee.region.name,
                address=committee.address,
                namesake=committee.namesake,
                mediator_count=per_committee[committee.pk],
            )
        PublishedCommittee.objects.bulk_create(committees.values(), batch_size=BATCH)
        rows = []
        for post in main:
            mediator = post.mediator
            fields = expertise.get(post.mediator_id, [])
            rows.append(
                PublishedMediator(
                    search_name=normalise(mediator.name),
                    name_grams=grams_vector(mediator.name, publication.pk),
                    publication=publication,
                    mediator_id=mediator.pk,
                    name=mediator.name,
                    gender=mediator.gender,
                    level=mediator.level,
                    level_name=mediator.level_name,
                    committee=committees[post.committee_id],
                    region_id=post.committee.region_id,
                    expertise_names="、".join(name for _code, name in fields),
                    named_room=named_rooms.get(mediator.pk, ""),
                    full_time=post.full_time,
                    appointed_since=post.starts_on,
                    has_photo=bool(mediator.photo) and mediator.photo_public,
                )
            )
        rows.sort(key=lambda row: (row.region_id, row.name, row.mediator_id))
        for position, row in enumerate(rows):
            row.position = position
        _render_rows(bureau, rows)
        written = []
        for start in range(0, len(rows), BATCH):
            written += PublishedMediator.objects.bulk_create(rows[start : start + BATCH])
            if progress:
                progress(len(written), total)
        links = [
            PublishedMediator.expertise.through(publishedmediator_id=row.pk, expertisefield_id=code)
            for row in written
            for code, _name in expertise.get(row.mediator_id, [])
        ]
        PublishedMediator.expertise.through.objects.bulk_create(links, batch_size=BATCH)
        RosterPublication.objects.filter(bureau=bureau, status=PublicationStatus.LIVE).update(
            status=PublicationStatus.SUPERSEDED
        )
        publication.status = PublicationStatus.LIVE
        publication.published_at = timezone.now()
        publication.as_of = as_of
        publication.mediator_count = len(rows)
        publication.committee_count = len(committees)
        publication.error = ""
        publication.save()
    return publication


def _render_rows(bureau, rows):
    """Each row's line of the search results, rendered once: the public search then
    joins stored HTML instead of rendering twenty rows a request. In the site's
    language, the only one the public pages speak."""
    names = label_names({row.region_id for row in rows})
    template = get_template("public/_mediator_row.html")
    with translation.override(settings.LANGUAGE_CODE):
        for row in rows:
            row.region_label = region_label(row.region_id, names)
            row.row_html = template.render({"row": row, "bureau": bureau})
