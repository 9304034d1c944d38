from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.personal import EncryptedCharField, mask_phone, normalize_phone, validate_phone


class UserProfile(models.Model):
    """What the registry keeps about a login beyond django.contrib.auth's user: a work
    phone, and whether the password is a temporary one to change at the next login."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="profile",
        verbose_name=_("user"),
    )
    phone = EncryptedCharField(
        _("phone"), max_length=20, blank=True, null=True, validators=[validate_phone]
    )
    must_change_password = models.BooleanField(_("must change password"), default=False)

    # The audit trail records that the phone changed, never the number.
    audit_options = {"mask_fields": ["phone"], "mask_callable": "core.personal.mask_for_audit"}

    class Meta:
        verbose_name = _("user profile")
        verbose_name_plural = _("user profiles")

    def __str__(self):
        return self.user.username

    def save(self, *args, **kwargs):
        self.phone = normalize_phone(self.phone) or None
        super().save(*args, **kwargs)

    @property
    def phone_masked(self) -> str:
        return mask_phone(self.phone or "")
