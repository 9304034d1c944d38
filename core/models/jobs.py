import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.tenancy import TenantModel


class JobStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


def _kind_label(kind) -> str:
    from core import job_kinds

    try:
        return str(job_kinds.get(kind).label)
    except KeyError:
        return kind


class Job(TenantModel):
    """A long job (import, export, ranking) a user started: its progress for the page
    to show, and where its result is when it is done.

    Pages and the API name a job by ``uuid``; the integer ``pk`` stays internal, so a
    job's address cannot be guessed from another's. The task and its parameters are
    kept so a redelivered message or the owner's retry runs the same work again.

    A running attempt holds a lease: ``lease`` is its token and ``heartbeat_at`` its
    last sign of life (core.jobs renews it). An attempt that ends clears
    ``heartbeat_at``; a failed job that still has one was *lost* (its worker died), and
    a redelivered message may take it again while ``attempts`` are left.
    """

    uuid = models.UUIDField(_("identifier"), default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=40)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("started by"),
    )
    role = models.ForeignKey(
        "core.Role", on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("role")
    )
    task_name = models.CharField(_("task"), max_length=200, blank=True)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=JobStatus.choices, default=JobStatus.PENDING
    )
    done = models.PositiveIntegerField(_("done"), default=0)
    total = models.PositiveIntegerField(_("total"), default=0)
    message = models.TextField(_("message"), blank=True)
    result = models.JSONField(_("result"), default=dict, blank=True)
    result_file = models.FileField(_("result file"), upload_to="jobs/%Y/%m/", blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    lease = models.UUIDField(_("lease"), null=True, blank=True, editable=False)
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    # The lease is bookkeeping the machinery rewrites every few seconds, and the task,
    # its parameters and its result are for the machinery and the result page; the
    # trail keeps what a person would ask about (started, finished, failed, retried).
    audit_options = {
        "exclude_fields": [
            "uuid",
            "lease",
            "heartbeat_at",
            "attempts",
            "done",
            "total",
            "task_name",
            "params",
            "result",
        ]
    }
    history_displays = {"kind": lambda kind, _entry: _kind_label(kind)}

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("job")
        verbose_name_plural = _("jobs")

    def __str__(self):
        return f"{self.label} {self.uuid}"

    def get_absolute_url(self):
        return reverse(self.spec.page, args=[self.uuid])

    @property
    def spec(self):
        """The job's kind as the registry declares it (core.job_kinds)."""
        from core import job_kinds

        return job_kinds.get(self.kind)

    @property
    def label(self) -> str:
        return str(self.spec.label)

    @property
    def result_url(self) -> str:
        """Where a finished job's result is ("" while it runs or when it failed)."""
        if self.status != JobStatus.DONE or self.spec.result is None:
            return ""
        return self.spec.result(self) or ""

    @property
    def percent(self) -> int:
        if self.status == JobStatus.DONE:
            return 100
        return int(self.done * 100 / self.total) if self.total else 0

    @property
    def finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED)

    def lease_expired(self, now=None) -> bool:
        """Whether the attempt holding this job gave no sign of life for longer than
        the lease (JOB_LEASE_SECONDS): its worker is gone."""
        if self.heartbeat_at is None:
            return False
        now = now or timezone.now()
        return (now - self.heartbeat_at).total_seconds() > settings.JOB_LEASE_SECONDS

    @property
    def retryable(self) -> bool:
        """Whether its owner may run it again: it failed (an error, a lost worker, or
        attempts used up)."""
        return self.status == JobStatus.FAILED
