"""Importers of the roster's workbooks, on core.imports: committees (matched on their
code) and mediators with one post each (matched on their ID card number's keyed hash).

Every row goes through what the models' full_clean() checks (core.imports.Cleaner: each
field's checks once per distinct value, the model's clean() on every row), so the
import refuses what the forms refuse. What the rows refer to is loaded a few queries
for the whole file, and new mediators and posts are inserted in bulk (core.bulk) and
audited in bulk, so a 10,000-row file imports in seconds.
"""

import contextlib
import re
from collections import defaultdict
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from core import bulk
from core.audit import log_created
from core.imports import CHANGED, NEW, UNCHANGED, Cleaner, Importer
from core.models import JudicialOffice, Region
from core.personal import digest, normalize_id_number
from core.regions import normalize_code
from registry.excel.templates import COMMITTEE_COLUMNS, MEDIATOR_COLUMNS
from registry.models import (
    Appointment,
    Committee,
    ExpertiseField,
    FilingStatus,
    Mediator,
)
from registry.models.committees import FILED_WITH_OFFICE
from registry.models.mediators import REGISTERED
from registry.services import governing_bureau

CHUNK = 2000  # keys per IN (...) lookup
EXPERTISE_SEPARATORS = re.compile(r"[、,，;；/\s]+")


def _chunks(items, size=CHUNK):
    items = list(items)
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _same(old, new) -> bool:
    # An empty cell and a stored None or "" mean the same thing.
    return (old if old not in (None, "") else None) == (new if new not in (None, "") else None)


def _expertise_lookup():
    fields = list(ExpertiseField.objects.all())
    return {**{f.code: f for f in fields}, **{f.name: f for f in fields}}


def _expertise_of(text, lookup):
    names = [n for n in EXPERTISE_SEPARATORS.split(text or "") if n]
    unknown = [n for n in names if n not in lookup]
    if unknown:
        raise ValidationError(
            _("Unknown expertise field: %(names)s. Known fields: %(known)s."),
            params={
                "names": "、".join(unknown),
                "known": "、".join(sorted({f.name for f in lookup.values()})),
            },
        )
    return {lookup[n] for n in names}


class Blank:
    """New instances of *model* with the given values (by attname) and every other
    field's default, built from positional values as Django builds a row it loads:
    a third of the time of keyword arguments, which look up each field's default
    per instance (a big import builds two instances a row)."""

    def __init__(self, model):
        self.model, fields = model, model._meta.concrete_fields
        self.position = {field.attname: index for index, field in enumerate(fields)}
        self.defaults = [field.get_default() for field in fields]
        # A callable default (a date, a fresh list) is asked again for each instance.
        self.called = [
            (index, field)
            for index, field in enumerate(fields)
            if field.has_default() and callable(field.default)
        ]

    def defaults_of(self, names) -> list[tuple]:
        """(name, default) of the fields *names* (without a callable default)."""
        return [(name, self.defaults[self.position[name]]) for name in names]

    def __call__(self, **values):
        args = self.defaults.copy()
        for index, field in self.called:
            args[index] = field.get_default()
        for name, value in values.items():
            args[self.position[name]] = value
        return self.model(*args)


@dataclass
class Plan:
    action: str
    obj: object


class CommitteeImporter(Importer):
    columns = COMMITTEE_COLUMNS
    key = "code"
    error_columns = {"filed_with_office": "filing_status", "filed_with_bureau": "filing_status"}
    fields = [
        "name",
        "kind",
        "region",
        "office",
        "address",
        "phone",
        "founded_on",
        "industry_field",
        "host_institution",
        "namesake",
        "filing_status",
        "filed_on",
        "filed_with_office",
        "filed_with_bureau",
    ]

    def __init__(self, actor=None):
        self.actor = actor

    def prepare(self, rows):
        codes = {row.values["code"] for row in rows}
        self.existing, taken = {}, set()
        for chunk in _chunks(codes):
            self.existing.update(
                (c.code, c)
                for c in Committee.objects.filter(code__in=chunk).select_related("region")
            )
            # Codes are unique across the system, so one taken elsewhere is refused.
            taken.update(
                Committee._base_manager.filter(code__in=chunk).values_list("code", flat=True)
            )
        self.taken = taken - set(self.existing)
        region_codes = set()
        for row in rows:
            with contextlib.suppress(ValidationError):  # plan() reports a malformed code
                region_codes.add(normalize_code(row.values["region"]))
        self.regions = {r.code: r for r in Region.objects.filter(code__in=region_codes)}
        self.offices = {o.name: o for o in JudicialOffice.objects.select_related("region")}
        self.expertise = _expertise_lookup()
        self.bureaus = {}

    def plan(self, row):
        values = row.values
        if values["code"] in self.taken:
            # The model's own message, as the forms and the API give it.
            raise ValidationError(
                {"code": Committee._meta.get_field("code").error_messages["unique"]}
            )
        errors = {}
        try:
            region = self.regions.get(normalize_code(values["region"]))
        except ValidationError as exc:
            raise ValidationError({"region": exc.messages}) from exc
        if region is None:
            errors["region"] = _("No region with this code in your jurisdiction.")
        office = self.offices.get(values["office"]) if values["office"] else None
        if values["office"] and office is None:
            errors["office"] = _("No judicial office of this name in your jurisdiction.")
        industry = (
            self.expertise.get(values["industry_field"]) if values["industry_field"] else None
        )
        if values["industry_field"] and industry is None:
            errors["industry_field"] = _("Unknown expertise field.")
        if errors:
            raise ValidationError(errors)
        committee = self.existing.get(values["code"]) or Committee(code=values["code"])
        before = {name: getattr(committee, _attname(Committee, name)) for name in self.fields}
        new = {
            **{k: values[k] for k in ("name", "kind", "address", "phone", "founded_on")},
            **{k: values[k] for k in ("host_institution", "namesake", "filed_on")},
            "region": region,
            "office": office,
            "industry_field": industry,
            "filing_status": values["filing_status"] or FilingStatus.UNFILED,
        }
        for name, value in new.items():
            if not _same(getattr(committee, name, None), value):
                setattr(committee, name, value)
        self._derive_filing(committee)
        committee.full_clean(
            exclude=[
                "region",
                "office",
                "industry_field",
                "filed_with_office",
                "filed_with_bureau",
            ],
            validate_unique=False,
            validate_constraints=False,
        )
        if committee.pk is None:
            return Plan(NEW, committee)
        after = {name: getattr(committee, _attname(Committee, name)) for name in self.fields}
        return Plan(UNCHANGED if before == after else CHANGED, committee)

    def _derive_filing(self, committee):
        """A filed committee is filed with its office (village, township, enterprise)
        or else its county bureau, as the filing rules say."""
        if committee.filing_status != FilingStatus.FILED:
            return
        if committee.kind in FILED_WITH_OFFICE:
            if not committee.filed_with_office_id and committee.office_id:
                committee.filed_with_office = committee.office
        elif not committee.filed_with_bureau_id:
            code = committee.region_id
            if code not in self.bureaus:
                self.bureaus[code] = governing_bureau(code)
            committee.filed_with_bureau = self.bureaus[code]

    def write(self, plans):
        # Committees are hundreds, not thousands: save() each, audited by auditlog.
        for plan in plans:
            if plan.action != UNCHANGED:
                plan.obj.save()


@dataclass
class MediatorPlan:
    action: str
    mediator: Mediator
    expertise: set | None  # the new set when it changed
    post: Appointment | None  # a new or changed post
    post_is_new: bool = False


class MediatorImporter(Importer):
    columns = MEDIATOR_COLUMNS
    key = "id_number"
    fields = [
        "id_number",
        "name",
        "gender",
        "birth_date",
        "phone",
        "education",
        "political_status",
        "background",
        "volunteer",
        "expert_pool",
        "bank_name",
        "bank_account",
    ]
    post_fields = ["full_time", "paid_by", "ends_on", "exit_reason"]

    def __init__(self, actor=None):
        self.actor = actor
        self.refused = set()
        self.keys = {}

    def natural_key(self, values):
        # Asked for each row by the duplicate check, prepare() and plan(): a keyed
        # hash each time would cost more than the rest of the row's parsing.
        number = values["id_number"]
        if number not in self.keys:
            self.keys[number] = digest(normalize_id_number(number))
        return self.keys[number]

    def log_refusals(self):
        """Record each refused row on its holder's audit trail. Called once the import
        is over: the import's own transaction is rolled back when a row is refused."""
        for holder in Mediator._base_manager.filter(pk__in=self.refused):
            holder.log_refused_registration(actor=self.actor)

    def prepare(self, rows):
        digests = {self.natural_key(row.values) for row in rows}
        # The number is unique across the system; a mediator registered by another
        # bureau is refused, without saying where. The unique index answers for every
        # number first; only the holders found are then read whole, within the
        # jurisdiction (a file of new mediators reads none: the jurisdiction's scoped
        # query over thousands of numbers took longer than the rest of the checks).
        found = {}
        for chunk in _chunks(digests):
            found.update(
                Mediator._base_manager.filter(id_number_digest__in=chunk).values_list(
                    "id_number_digest", "pk"
                )
            )
        self.existing = {}
        for chunk in _chunks(found.values()):
            self.existing.update(
                (m.id_number_digest, m)
                for m in Mediator.objects.filter(pk__in=chunk).prefetch_related("expertise")
            )
        # digest → the holder's pk, for the holder's audit trail (log_refusals).
        self.elsewhere = {key: pk for key, pk in found.items() if key not in self.existing}
        self.posts = defaultdict(dict)
        for chunk in _chunks(m.pk for m in self.existing.values()):
            for post in Appointment.objects.filter(mediator_id__in=chunk):
                self.posts[post.mediator_id][(post.committee_id, post.post, post.starts_on)] = post
        codes = {row.values["committee"] for row in rows}
        self.committees = {}
        for chunk in _chunks(codes):
            self.committees.update(
                (c.code, c)
                for c in Committee.objects.filter(code__in=chunk).select_related("region")
            )
        self.expertise = _expertise_lookup()
        self.new_mediator, self.new_post = Blank(Mediator), Blank(Appointment)
        self.mediator_defaults = self.new_mediator.defaults_of(self.fields)
        self.clean_mediator = Cleaner(Mediator, exclude=["region"])
        self.clean_post = Cleaner(Appointment, exclude=["mediator", "committee", "region"])

    def plan(self, row):
        values, errors = row.values, {}
        key = self.natural_key(values)
        if key in self.elsewhere:
            self.refused.add(self.elsewhere[key])
            raise ValidationError({"id_number": REGISTERED})
        committee = self.committees.get(values["committee"])
        if committee is None:
            errors["committee"] = _("No committee with this code in your jurisdiction.")
        try:
            expertise = _expertise_of(values["expertise"], self.expertise)
        except ValidationError as exc:
            errors["expertise"] = exc.messages
        mediator = self.existing.get(key)
        is_new = mediator is None
        if is_new:
            # The row's values, but an empty cell leaves the field's default.
            mediator = self.new_mediator(
                region_id=committee.region_id if committee else None,
                **{
                    name: values[name]
                    for name, default in self.mediator_defaults
                    if not _same(default, values[name])
                },
            )
        else:
            before = [getattr(mediator, name) for name in self.fields]
            for name in self.fields:
                if not _same(getattr(mediator, name), values[name]):
                    setattr(mediator, name, values[name])
        # The model asks who else holds the number; prepare() answered that for every
        # row in one query (a holder elsewhere is refused above, one in the file is a
        # duplicate row), so the 10,000 rows do not ask one by one.
        mediator.id_number_holder = _no_holder
        try:
            self.clean_mediator.full_clean(mediator)
        except ValidationError as exc:
            errors.update(exc.message_dict)
        post, post_is_new = None, False
        if committee is not None:
            try:
                post, post_is_new = self._post(mediator, committee, values)
            except ValidationError as exc:
                errors.update(exc.message_dict)
        if errors:
            raise ValidationError(errors)
        old_expertise = set() if is_new else set(mediator.expertise.all())
        if is_new:
            return MediatorPlan(NEW, mediator, expertise, post, post_is_new)
        changed_expertise = expertise if expertise != old_expertise else None
        after = [getattr(mediator, name) for name in self.fields]
        changed = before != after or changed_expertise is not None or post is not None
        return MediatorPlan(
            CHANGED if changed else UNCHANGED, mediator, changed_expertise, post, post_is_new
        )

    def _post(self, mediator, committee, values):
        """The mediator's post in the row: None when they hold it already as the row
        says; else the post to create or update, checked by its own rules."""
        held = self.posts[mediator.pk].get((committee.pk, values["post"], values["starts_on"]))
        if held is None:
            post = self.new_post(
                region_id=committee.region_id, post=values["post"], starts_on=values["starts_on"]
            )
            post.mediator, post.committee = mediator, committee
        else:
            post = held
        wanted = {k: values[k] for k in self.post_fields}
        # An empty cell names no payer: a new post stays without one (a full-time post
        # may not: Appointment.clean), a held post keeps the one on file.
        wanted["paid_by"] = wanted["paid_by"] or (held.paid_by if held else "")
        if held and all(_same(getattr(held, k), v) for k, v in wanted.items()):
            return None, False
        for name, value in wanted.items():
            setattr(post, name, value)
        self.clean_post.full_clean(post)
        return post, held is None

    def write(self, plans):
        new = [p.mediator for p in plans if p.action == NEW]
        bulk.insert(Mediator, new)
        through = Mediator.expertise.through
        # Rows of two keys, not thousands of instances of the through model.
        bulk.insert_like(
            through(),
            [
                {"mediator_id": p.mediator.pk, "expertisefield_id": field.pk}
                for p in plans
                if p.action == NEW
                for field in p.expertise
            ],
        )
        names = {
            p.mediator.pk: "、".join(f.name for f in p.expertise) for p in plans if p.action == NEW
        }
        log_created(
            new,
            actor=self.actor,
            extra=lambda m: {"expertise": [None, names[m.pk]]} if names[m.pk] else {},
        )
        for plan in plans:
            if plan.action == CHANGED:
                plan.mediator.save()  # audited by auditlog, as a form's edit is
                if plan.expertise is not None:
                    plan.mediator.expertise.set(plan.expertise)
        new_posts = [p.post for p in plans if p.post is not None and p.post_is_new]
        bulk.insert(Appointment, new_posts)
        log_created(new_posts, actor=self.actor)
        for plan in plans:
            if plan.post is not None and not plan.post_is_new:
                plan.post.save()


def _no_holder():
    return None


def _attname(model, name):
    return model._meta.get_field(name).attname
