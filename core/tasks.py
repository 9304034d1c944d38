from celery import shared_task
from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.translation import gettext as _

from core import jobs, snapshots
from core.excel import Column, build_workbook
from core.jobs import job_task
from core.models import Role
from core.tenancy import all_regions


@shared_task
@job_task
def export_roles(job, progress):
    """The bureau's users and their roles as a workbook, for the admin's records."""
    roles = list(
        Role.objects.filter(ended_at__isnull=True)
        .select_related("user", "bureau", "office", "region")
        .order_by("region_id", "user__username")
    )
    progress(0, len(roles))
    columns = [
        Column(_("Username"), lambda r: r.user.username),
        Column(_("Full name"), lambda r: r.user.get_full_name()),
        Column(_("Role"), lambda r: r.get_kind_display()),
        Column(_("Unit"), lambda r: str(r.unit), width=28),
        Column(_("Division code"), lambda r: r.region_id),
        Column(_("Last login"), lambda r: r.user.last_login and r.user.last_login.date()),
    ]
    content = build_workbook(_("Users and roles"), columns, roles)
    name = f"roles-{timezone.localdate():%Y-%m-%d}.xlsx"  # not the job's sequential id
    job.result_file.save(name, ContentFile(content), save=False)
    progress(len(roles))
    return {"rows": len(roles)}


@shared_task
def expire_lost_jobs():
    """Celery beat, every minute: mark failed the jobs whose worker stopped giving
    signs of life, so their pages end with a message and a retry button."""
    with all_regions():
        return jobs.expire_lost_jobs()


@shared_task
def refresh_snapshots():
    """Celery beat, every ten minutes: recompute the report figures kept because they
    are slow to compute (core.snapshots), so the pages read them fresh."""
    return snapshots.refresh()


@shared_task
def refresh_snapshot(key, scope, filters):
    """Recompute one kept report's figures that a page found old (core.snapshots)."""
    return snapshots.refresh_one(key, scope, filters)
