"""How staff pick a committee or a mediator (core.pickers): registered from the
registry's apps.py. A committee is found by name or record code; a mediator by name,
by the name of a committee they serve in, or by their full ID card number."""

import datetime

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.utils.translation import gettext_lazy as _

from core.personal import digest, normalize_id_number
from core.pickers import SEPARATOR, Picker, name_or_code
from registry.models import Appointment, Committee, CommitteeStatus, Mediator
from registry.models.appointments import held_on
from registry.models.committees import code_validator

# Record codes are short; a value of 15 characters or more is an ID card number.
ID_NUMBER_MIN_LENGTH = 15


class CommitteePicker(Picker):
    """Labelled with the place it serves, as clerks say it: "塔山村人民调解委员会 ·
    塔山街道" (villages' committees share names across townships)."""

    kind = "committee"
    model = Committee
    not_found = _("No committee by that name or code in your jurisdiction.")
    ordering = ("region_id", "code")
    forwards = ("active",)

    def with_labels(self, queryset):
        return queryset.select_related("region__parent")

    def label(self, committee):
        region = committee.region
        place = region
        if region.name in committee.name and region.parent is not None:
            place = region.parent
        return f"{committee.name}{SEPARATOR}{place.name}"

    def detail(self, committee):
        return committee.code

    def keyed(self, queryset, text):
        try:
            code_validator(text)
        except ValidationError:
            return None
        return queryset.filter(code__iexact=text)

    def search(self, queryset, text):
        return name_or_code(queryset, text)

    def narrow(self, queryset, params):
        if params.get("active"):
            queryset = queryset.filter(status=CommitteeStatus.ACTIVE)
        return queryset


def _posts_held(on=None, **conditions):
    # The base manager inside a subquery: the outer mediator query is already scoped.
    return Appointment._base_manager.filter(held_on(on), mediator=OuterRef("pk"), **conditions)


class MediatorPicker(Picker):
    """Labelled with the committee they serve in ("张伟 · 塔山街道人民调解委员会"), or
    the unit keeping their record when they hold no post; two of the same name in one
    committee are told apart by their masked ID card number."""

    kind = "mediator"
    model = Mediator
    not_found = _("No mediator by that name in your jurisdiction.")
    ordering = ("name", "pk")
    forwards = ("committee", "on")

    def with_labels(self, queryset):
        posts = (
            Appointment.objects.filter(held_on())
            .select_related("committee")
            .order_by("-full_time", "starts_on", "pk")
        )
        return queryset.select_related("region").prefetch_related(
            Prefetch("appointments", queryset=posts, to_attr="picker_posts")
        )

    def label(self, mediator):
        posts = getattr(mediator, "picker_posts", None)
        place = posts[0].committee.name if posts else mediator.region.name
        return f"{mediator.name}{SEPARATOR}{place}"

    def detail(self, mediator):
        return mediator.id_number_masked

    def keyed(self, queryset, text):
        if len(text) < ID_NUMBER_MIN_LENGTH:
            return None
        return queryset.filter(id_number_digest=digest(normalize_id_number(text)))

    def search(self, queryset, text):
        serving = Exists(_posts_held(committee__name__contains=text))
        return queryset.filter(Q(name__contains=text) | serving)

    def narrow(self, queryset, params):
        """Only those who held a post in the committee named by ``committee`` on the
        date ``on`` (today by default): the lead mediator of a case being filed."""
        committee = params.get("committee")
        if not committee:
            return queryset
        try:
            committee = CommitteePicker().resolve(committee)
        except ValidationError:
            return queryset
        on = _date_or_none(params.get("on"))
        return queryset.filter(Exists(_posts_held(on, committee=committee)))


def _date_or_none(value) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None
