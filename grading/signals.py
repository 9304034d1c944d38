"""Grading's reactions to the apps below it. A dismissal in the integrity file ends
the mediator's level (complaints does not know grading exists, so grading listens);
lesser sanctions are weighed by the bureau, which records its decision through
grading.services.change_level with the sanction as its source."""

from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils.translation import gettext as _

from complaints.models import IntegrityKind, IntegrityRecord, Sanction


@receiver(post_save, sender=IntegrityRecord, dispatch_uid="grading.revoke_on_dismissal")
def revoke_on_dismissal(sender, instance, created, raw=False, **kwargs):
    if raw or not created:
        return
    if instance.kind != IntegrityKind.SANCTION or instance.sanction != Sanction.DISMISSAL:
        return
    from grading import services
    from registry.models import Mediator

    mediator = Mediator._base_manager.get(pk=instance.mediator_id)  # its level as stored
    if mediator.level is None:
        return
    services.change_level(
        mediator,
        to_rank=None,
        reason=_("Dismissed: %(title)s") % {"title": instance.title},
        user=instance.recorded_by,
        integrity_record=instance,
        effective_on=instance.occurred_on,
    )
