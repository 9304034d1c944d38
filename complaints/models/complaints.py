"""Complaints about mediators (投诉) and their handling workflow."""

import datetime
import os
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from complaints.models.choices import Channel, ComplaintStatus, Finding, Sanction
from complaints.storage import private_storage
from core.personal import EncryptedCharField, mask_phone, validate_phone
from core.tenancy import TenantModel


class Complaint(TenantModel):
    """A complaint about a mediator or a committee. Its region is the handling unit's
    (the committee's), so the unit that appointed the mediator sees it and no one
    outside that jurisdiction does."""

    tracking_number = models.CharField(_("tracking number"), max_length=20, unique=True)
    # A salted hash of the complainant's secret code, checked like a password.
    secret_hash = models.CharField(max_length=128, editable=False)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    bureau = models.ForeignKey(
        "core.Bureau", on_delete=models.PROTECT, related_name="+", verbose_name=_("bureau")
    )
    committee = models.ForeignKey(
        "registry.Committee",
        on_delete=models.PROTECT,
        related_name="complaints",
        verbose_name=_("committee"),
    )
    mediator = models.ForeignKey(
        "registry.Mediator",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints",
        verbose_name=_("mediator"),
    )
    assigned_office = models.ForeignKey(
        "core.JudicialOffice",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assigned to office"),
    )
    complainant_name = models.CharField(_("complainant"), max_length=50)
    complainant_phone = EncryptedCharField(
        _("complainant phone"), max_length=20, validators=[validate_phone]
    )
    phone_digest = models.CharField(max_length=64, editable=False, db_index=True)
    description = models.TextField(_("what happened"), max_length=5000)
    status = FSMField(
        _("status"),
        max_length=10,
        choices=ComplaintStatus.choices,
        default=ComplaintStatus.RECEIVED,
    )
    received_on = models.DateField(_("received on"))
    due_on = models.DateField(_("due on"))
    due_provisional = models.BooleanField(
        _("deadline provisional"),
        default=False,
        help_text=_("The holiday schedule of a year in the deadline was not known yet."),
    )
    verification_note = models.TextField(_("verification notes"), blank=True)
    finding = models.CharField(_("finding"), max_length=10, choices=Finding.choices, blank=True)
    sanction = models.CharField(
        _("sanction"), max_length=12, choices=Sanction.choices, blank=True, default=""
    )
    concluded_on = models.DateField(_("concluded on"), null=True, blank=True)
    answer = models.TextField(_("answer to the complainant"), blank=True)
    answered_on = models.DateField(_("answered on"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    audit_options = {
        "mask_fields": ["complainant_phone"],
        "mask_callable": "core.personal.mask_for_audit",
        "exclude_fields": ["phone_digest", "secret_hash"],
    }

    class Meta:
        ordering = ["-received_on", "-pk"]
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        indexes = [
            models.Index(fields=["region", "status", "due_on"]),
            models.Index(fields=["mediator", "received_on"]),
            # The list's order with its tiebreak (core.generic_views.ordering).
            models.Index(fields=["received_on", "id"], name="complaint_by_date"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status__in=["concluded", "answered"]) | ~models.Q(finding=""),
                name="concluded_complaint_has_finding",
            ),
            models.CheckConstraint(
                condition=models.Q(finding="founded") | models.Q(sanction=""),
                name="sanction_only_when_founded",
            ),
        ]

    def __str__(self):
        return self.tracking_number

    def get_absolute_url(self):
        return reverse("complaints:complaint_detail", args=[self.pk])

    def region_for_write(self):
        return self.committee.region

    @property
    def complainant_phone_masked(self):
        return mask_phone(self.complainant_phone or "")

    @property
    def is_open(self):
        return self.status not in (ComplaintStatus.CONCLUDED, ComplaintStatus.ANSWERED)

    @property
    def is_overdue(self):
        """Open past its deadline (complaints.selectors.overdue is the same rule as a
        query)."""
        return self.is_open and self.due_on < datetime.date.today()

    def clean(self):
        if self.finding != Finding.FOUNDED and self.sanction:
            raise ValidationError({"sanction": _("Only a founded complaint carries a sanction.")})

    # The workflow. The services in complaints.services run these with their side
    # effects (integrity file, dismissal); the decorators keep the order honest.
    @transition(field=status, source=ComplaintStatus.RECEIVED, target=ComplaintStatus.ASSIGNED)
    def assign(self):
        pass

    @transition(field=status, source=ComplaintStatus.ASSIGNED, target=ComplaintStatus.VERIFYING)
    def start_verification(self):
        pass

    @transition(field=status, source=ComplaintStatus.VERIFYING, target=ComplaintStatus.CONCLUDED)
    def conclude(self):
        pass

    @transition(field=status, source=ComplaintStatus.CONCLUDED, target=ComplaintStatus.ANSWERED)
    def mark_answered(self):
        pass


ALLOWED_ATTACHMENT_TYPES = {
    "image/jpeg": "jpg",
    "image/png": "png",
    "application/pdf": "pdf",
}


def attachment_path(instance, filename):
    # Never the uploaded name: it is the public's input.
    extension = ALLOWED_ATTACHMENT_TYPES.get(instance.content_type, "bin")
    return os.path.join(
        "complaints", instance.complaint.tracking_number, f"{uuid.uuid4().hex}.{extension}"
    )


class ComplaintAttachment(TenantModel):
    """An image or PDF the complainant sent. Stored outside the web root
    (``PRIVATE_MEDIA_ROOT``) and served only to staff of the jurisdiction."""

    complaint = models.ForeignKey(
        Complaint, on_delete=models.PROTECT, related_name="attachments", verbose_name=_("complaint")
    )
    file = models.FileField(_("file"), upload_to=attachment_path, storage=private_storage)
    content_type = models.CharField(_("type"), max_length=40)
    original_name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self):
        return self.original_name

    def get_absolute_url(self):
        return reverse("complaints:attachment", args=[self.pk])

    def region_for_write(self):
        return self.complaint.region
