"""API tokens die with the credentials they were issued for: a token is deleted when
its user's password changes or the account is deactivated, whoever makes the change
(the password page, the admin, a management command)."""

from django.conf import settings
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver
from rest_framework.authtoken.models import Token


def revoke_tokens(user) -> int:
    """Delete every API token of *user*; the number deleted."""
    deleted, _per_model = Token.objects.filter(user=user).delete()
    return deleted


@receiver(pre_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="tokens-note-credentials")
def _note_credential_change(sender, instance, **kwargs):
    if instance.pk is None:
        return
    # set_password() leaves the new raw password in _password until the save
    # (Django's own password_changed hook reads it); a rehash on login does not.
    password_changed = getattr(instance, "_password", None) is not None
    deactivated = not instance.is_active and (
        sender._base_manager.filter(pk=instance.pk, is_active=True).exists()
    )
    instance._revoke_tokens = password_changed or deactivated


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="tokens-revoke")
def _revoke_on_credential_change(sender, instance, created, **kwargs):
    if getattr(instance, "_revoke_tokens", False):
        instance._revoke_tokens = False
        revoke_tokens(instance)
