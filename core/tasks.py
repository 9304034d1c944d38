from celery import shared_task
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

from core.excel import Column, build_workbook
from core.jobs import job_task
from core.models import Role


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
    job.result_file.save(f"roles-{job.pk}.xlsx", ContentFile(content), save=False)
    progress(len(roles))
    return {"rows": len(roles)}
