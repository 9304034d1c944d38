from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.personal import (
    EncryptedCharField,
    digest,
    id_birth_date,
    id_gender,
    mask_bank_account,
    mask_id_number,
    mask_phone,
    normalize_bank_account,
    normalize_id_number,
    normalize_phone,
    validate_bank_account,
    validate_id_number,
    validate_phone,
)
from core.tenancy import TenantModel
from registry.models.choices import (
    PARTY_MEMBER_STATUSES,
    Background,
    Education,
    Gender,
    MediatorStatus,
    PoliticalStatus,
)

# Personal numbers: field → (normaliser, masker). Who may reveal which is in
# registry.personal_access.
PERSONAL_FIELDS = {
    "id_number": (normalize_id_number, mask_id_number),
    "phone": (normalize_phone, mask_phone),
    "bank_account": (normalize_bank_account, mask_bank_account),
}


def masked_numbers(numbers: dict) -> dict:
    """The ``*_masked`` columns of normalised personal *numbers* (field → value)."""
    return {
        f"{field}_masked": PERSONAL_FIELDS[field][1](value or "")
        for field, value in numbers.items()
    }


REGISTERED = _("A mediator with this ID card number is already registered.")


def photo_path(instance, filename):
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "jpg"
    return f"mediators/photos/{instance.region_id}/{instance.id_number_digest[:16]}.{extension}"


class Mediator(TenantModel):
    """A people's mediator (调解员). The region is the unit that keeps the record.

    ID card, phone and bank numbers are encrypted at rest; the ``*_digest`` columns
    hold keyed hashes for uniqueness and lookup, and the ``*_masked`` columns the
    masked forms that pages, exports and the API show, kept when a number is saved, so
    showing a roster decrypts nothing (an export of 100,000 mediators decrypted
    300,000 numbers only to mask them). ``registry.personal_access.reveal`` shows one
    in full and audits it.
    """

    name = models.CharField(pgettext_lazy("person", "name"), max_length=50)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices, blank=True)
    id_number = EncryptedCharField(
        _("ID card number"), max_length=18, validators=[validate_id_number]
    )
    id_number_digest = models.CharField(max_length=64, unique=True, editable=False)
    id_number_masked = models.CharField(max_length=18, blank=True, editable=False)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    phone = EncryptedCharField(
        _("phone"), max_length=20, blank=True, null=True, validators=[validate_phone]
    )
    # Indexed in Meta: a field's db_index adds, on PostgreSQL, a second index for LIKE
    # that a hash is never searched with.
    phone_digest = models.CharField(max_length=64, blank=True, editable=False)
    phone_masked = models.CharField(max_length=20, blank=True, editable=False)
    address = models.CharField(_("home address"), max_length=200, blank=True)
    education = models.CharField(
        _("education"), max_length=15, choices=Education.choices, blank=True
    )
    political_status = models.CharField(
        _("political status"), max_length=20, choices=PoliticalStatus.choices, blank=True
    )
    background = models.CharField(
        _("background"), max_length=20, choices=Background.choices, blank=True
    )
    expertise = models.ManyToManyField(
        "registry.ExpertiseField",
        blank=True,
        related_name="mediators",
        verbose_name=_("expertise fields"),
    )
    volunteer = models.BooleanField(_("volunteer"), default=False)
    expert_pool = models.BooleanField(_("in the expert pool"), default=False)
    # The level is a rank into the governing bureau's ``grading_levels`` (1 = highest)
    # and its name as it read when the level took effect. Only grading.services sets
    # them (a round taking effect, a recorded decision): no form or API writes them.
    level = models.PositiveSmallIntegerField(
        pgettext_lazy("mediator grade", "level"), null=True, blank=True, editable=False
    )
    level_name = models.CharField(
        pgettext_lazy("mediator grade", "level name"), max_length=20, blank=True, editable=False
    )
    photo = models.ImageField(_("photo"), upload_to=photo_path, blank=True)
    photo_public = models.BooleanField(
        _("photo may be published"),
        default=False,
        help_text=_("The mediator consented to the photo appearing on the public roster."),
    )
    bank_name = models.CharField(_("bank"), max_length=50, blank=True)
    bank_account = EncryptedCharField(
        _("bank account"),
        max_length=30,
        blank=True,
        null=True,
        validators=[validate_bank_account],
    )
    bank_account_masked = models.CharField(max_length=12, blank=True, editable=False)
    status = models.CharField(
        _("status"), max_length=10, choices=MediatorStatus.choices, default=MediatorStatus.ACTIVE
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    # The audit trail must not become a copy of the clear numbers.
    audit_options = {
        "mask_fields": ["id_number", "phone", "bank_account"],
        "mask_callable": "core.personal.mask_for_audit",
        "exclude_fields": [
            "id_number_digest",
            "phone_digest",
            "id_number_masked",
            "phone_masked",
            "bank_account_masked",
        ],
        "m2m_fields": {"expertise"},
    }

    class Meta:
        ordering = ["region_id", "name"]
        verbose_name = _("mediator")
        verbose_name_plural = _("mediators")
        indexes = [
            models.Index(fields=["region", "name"]),
            models.Index(fields=["status", "region"]),
            models.Index(fields=["phone_digest"], name="mediator_by_phone_digest"),
            # The list's order (by name, across the jurisdiction's prefix).
            models.Index(fields=["name", "id"], name="mediator_by_name"),
            # The graded few (levels by area, the grading target, a level's quota):
            # read without walking a province's mediators.
            models.Index(
                fields=["level", "region"],
                name="mediator_by_level",
                condition=models.Q(level__isnull=False),
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("registry:mediator_detail", args=[self.pk])

    def get_level_display(self) -> str:
        """The level's name, as choices fields have it (the roster's pages use it)."""
        return self.level_name

    @property
    def party_member(self) -> bool:
        return self.political_status in PARTY_MEMBER_STATUSES

    def masked(self, field: str) -> str:
        return getattr(self, f"{field}_masked")

    def normalize(self):
        for field, (normalise, _mask) in PERSONAL_FIELDS.items():
            value = getattr(self, field)
            setattr(self, field, normalise(value) if value else value)
        for name, value in masked_numbers({f: getattr(self, f) for f in PERSONAL_FIELDS}).items():
            setattr(self, name, value)
        self.id_number_digest = digest(self.id_number)
        self.phone_digest = digest(self.phone or "")

    def clean(self):
        self.normalize()
        errors = {}
        try:
            validate_id_number(self.id_number)
        except ValidationError:
            return  # the field's own validator reports it
        born, gender = id_birth_date(self.id_number), id_gender(self.id_number)
        if not self.birth_date:
            self.birth_date = born
        elif self.birth_date != born:
            errors["birth_date"] = _(
                "The birth date does not match the ID card number (%(date)s)."
            ) % {"date": born.isoformat()}
        if not self.gender:
            self.gender = gender
        elif self.gender != gender:
            errors["gender"] = _("The gender does not match the ID card number.")
        holder = self.id_number_holder()
        if holder is not None:
            # The same words wherever the holder is: never which bureau, committee or
            # person holds it. The holder's trail records the attempt.
            errors["id_number"] = REGISTERED
            holder.log_refused_registration()
        if errors:
            raise ValidationError(errors)

    def validate_unique(self, exclude=None):
        # clean() reports a duplicate ID number on the field people type it into.
        super().validate_unique(exclude={*(exclude or ()), "id_number_digest"})

    def id_number_holder(self):
        """Another mediator registered with this ID card number, anywhere: the number
        is unique across the whole system, so the base (unscoped) manager looks."""
        return (
            Mediator._base_manager.filter(id_number_digest=digest(self.id_number))
            .exclude(pk=self.pk)
            .first()
        )

    def log_refused_registration(self, actor=None):
        """Record on this mediator's audit trail that a registration with its ID card
        number was refused: who (the actor, else the request's user) and when, never
        the number. The holder's bureau sees it on the record's history."""
        LogEntry.objects.log_create(
            self,
            force_log=True,
            action=LogEntry.Action.ACCESS,
            changes={"registration_refused": ["id_number"]},
            actor=actor,
        )

    def save(self, *args, **kwargs):
        self.normalize()
        super().save(*args, **kwargs)
