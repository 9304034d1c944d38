"""Mediator pages: list, record with the whole career, create and edit, the audited
reveal of a personal number, and appointments (appoint, end a post, transfer)."""

from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch, Q
from django.http import FileResponse, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.clientip import client_ip
from core.generic_views import (
    ObjectFormView,
    TenantCreateView,
    TenantDetailView,
    TenantListView,
    TenantUpdateView,
    for_model,
)
from core.jurisdiction import require_role
from registry import personal_access, services
from registry.filtersets import MediatorFilterSet
from registry.forms.mediators import AppointForm, EndPostForm, MediatorForm, TransferForm
from registry.models import Appointment, Mediator, Mentorship
from registry.models.appointments import held_on
from registry.models.mediators import PERSONAL_FIELDS


def current_posts():
    """The posts each mediator holds today, with their committees, as
    ``mediator.current_posts``: one query for a whole page."""
    return Prefetch(
        "appointments",
        queryset=Appointment.objects.filter(held_on()).select_related("committee"),
        to_attr="current_posts",
    )


def personal_rows(mediator, role):
    """The masked personal numbers of a mediator, each saying whether the role may
    reveal it."""
    return [
        {
            "field": field,
            "label": Mediator._meta.get_field(field).verbose_name,
            "masked": mediator.masked(field),
            "may_reveal": personal_access.may_reveal(role, field),
        }
        for field in PERSONAL_FIELDS
    ]


class MediatorListView(TenantListView):
    model = Mediator
    template_name = "registry/mediator_list.html"
    filterset_class = MediatorFilterSet
    sort_fields = {"name": "name", "region": "region_id", "level": "level"}
    default_sort = "name"

    def get_queryset(self):
        return super().get_queryset().select_related("region").prefetch_related(current_posts())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["may_reveal"] = bool(personal_access.revealable_fields(self.request.active_role))
        return context


class MediatorDetailView(TenantDetailView):
    model = Mediator
    template_name = "registry/mediator_detail.html"

    def get_queryset(self):
        return Mediator.objects.select_related("region").prefetch_related("expertise")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        mediator = self.object
        role = self.request.active_role
        context["career"] = mediator.appointments.select_related("committee").order_by(
            "-starts_on", "-pk"
        )
        context["mentorships"] = Mentorship.objects.filter(
            Q(mentor=mediator) | Q(apprentice=mediator)
        ).select_related("mentor", "apprentice")
        context["training"] = mediator.training_attendance.select_related("session").order_by(
            "-session__held_on"
        )
        context["personal_rows"] = personal_rows(mediator, role)
        # The integrity file (诚信档案, kept by the complaints app), oldest first.
        context["integrity_records"] = mediator.integrity_records.select_related(
            "recorded_by", "complaint"
        ).order_by("occurred_on", "pk")
        context["may_write"] = role.may_write()
        return context


class MediatorCreateView(TenantCreateView):
    model = Mediator
    form_class = MediatorForm
    success_message = gettext_lazy("Mediator saved.")
    extra_context = {"title": gettext_lazy("New mediator")}

    def get_initial(self):
        return {**super().get_initial(), "region": self.request.active_role.region_id}


class MediatorUpdateView(TenantUpdateView):
    model = Mediator
    form_class = MediatorForm
    success_message = gettext_lazy("Mediator saved.")
    extra_context = {"title": gettext_lazy("Edit mediator")}


@for_model(Mediator)
@login_required
def mediator_reveal_view(request, pk):
    """GET: the masked personal numbers (the "hide" target). POST ``field``: that
    number in full, if the active role may see it; every reveal is audited."""
    role = require_role(request)
    mediator = get_object_or_404(Mediator, pk=pk)
    context = {"mediator": mediator, "personal_rows": personal_rows(mediator, role)}
    if request.method != "POST":
        return render(request, "registry/mediator_personal.html", context)
    field = request.POST.get("field", "")
    if field not in PERSONAL_FIELDS:
        return HttpResponseBadRequest(_("Unknown personal number."))
    context["label"] = Mediator._meta.get_field(field).verbose_name
    context["field"] = field
    context["value"] = personal_access.reveal(
        mediator, field, role=role, remote_addr=client_ip(request)
    )
    template = (
        "registry/mediator_revealed.html" if request.htmx else "registry/mediator_reveal.html"
    )
    return render(request, template, context)


class AppointView(ObjectFormView):
    model = Mediator
    form_class = AppointForm
    success_message = gettext_lazy("Appointment saved.")

    def get_title(self):
        return _("Appoint %(mediator)s") % {"mediator": self.object}

    def perform(self, data):
        services.appoint(
            self.object,
            data["committee"],
            starts_on=data["starts_on"],
            post=data["post"],
            full_time=data["full_time"],
            paid_by=data["paid_by"],
        )
        return self.object


class AppointmentEndView(ObjectFormView):
    model = Appointment
    form_class = EndPostForm
    success_message = gettext_lazy("The post has ended; it stays in the career.")

    def get_queryset(self):
        return Appointment.objects.select_related("mediator", "committee")

    def get_title(self):
        return _("End the post: %(appointment)s") % {"appointment": self.object}

    def perform(self, data):
        return services.end_appointment(
            self.object, on=data["ends_on"], reason=data["exit_reason"], note=data["exit_note"]
        )


class AppointmentTransferView(ObjectFormView):
    model = Appointment
    form_class = TransferForm
    success_message = gettext_lazy("Transfer recorded; both posts stay in the career.")

    def get_queryset(self):
        return Appointment.objects.select_related("mediator", "committee")

    def get_title(self):
        return _("Transfer: %(appointment)s") % {"appointment": self.object}

    def perform(self, data):
        return services.transfer(
            self.object,
            data["committee"],
            on=data["starts_on"],
            post=data["post"] or None,
            paid_by=data["paid_by"] or None,
        )


# A neutral silhouette for mediators without a photo, so the record's <img> always loads.
NO_PHOTO_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 60 80" width="120" height="160">'
    '<rect width="60" height="80" fill="#e9ecef"/><circle cx="30" cy="28" r="13" fill="#adb5bd"/>'
    '<path d="M6 80c2-17 12-26 24-26s22 9 24 26z" fill="#adb5bd"/></svg>'
)


@for_model(Mediator)
@login_required
def mediator_photo_view(request, pk):
    """The photo, to staff of the jurisdiction only: uploads live outside the web
    root (MEDIA_ROOT is not served), so a guessed file name shows nothing."""
    require_role(request)
    mediator = get_object_or_404(Mediator, pk=pk)
    if not mediator.photo:
        return HttpResponse(NO_PHOTO_SVG, content_type="image/svg+xml")
    response = FileResponse(mediator.photo.open("rb"))
    response["Cache-Control"] = "private, max-age=3600"
    return response
