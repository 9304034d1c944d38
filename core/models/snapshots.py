from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportSnapshot(models.Model):
    """The figures of one report as computed for one jurisdiction and one set of
    filters, kept because computing them took too long to do on every request (see
    core.snapshots). Not a tenant's row: ``scope`` is the jurisdiction prefix the
    figures were computed in, and a snapshot is only ever read back for the same
    prefix."""

    key = models.CharField(_("report"), max_length=80)
    scope = models.CharField(_("jurisdiction prefix"), max_length=12)
    query = models.CharField(_("filters"), max_length=500, blank=True)
    # The report's own objects (dataclasses, numbers, dates), pickled as Django's
    # cache pickles them: written and read by this code only.
    data = models.BinaryField()
    computed_at = models.DateTimeField(_("computed at"))
    read_at = models.DateTimeField(_("last read at"))
    seconds = models.FloatField(_("seconds taken"))

    class Meta:
        verbose_name = _("report snapshot")
        constraints = [
            models.UniqueConstraint(fields=["key", "scope", "query"], name="one_snapshot_per_view")
        ]
        indexes = [models.Index(fields=["computed_at"], name="snapshot_by_age")]

    def __str__(self):
        return f"{self.key} {self.scope} {self.query}"
