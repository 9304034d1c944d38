"""The roster's part of the dashboard (registered by RegistryConfig.ready, once the
models are loaded): the size of the roster, term warnings and committees short of
the staffing standard for bureau staff, and the compliance rate by area."""

from django.utils.translation import gettext_lazy as _

from core import dashboard, snapshots
from core.dashboard import BUREAU_KINDS, CLERKS, DIRECTORS, FINANCE, OVERVIEW
from registry import snapshots as registry_snapshots
from registry.models import MediatorStatus


def _short_of_standard(request):
    return snapshots.read(registry_snapshots.COMPLIANCE).data.total.short


def _compliance_by_area(request):
    return snapshots.read(registry_snapshots.COMPLIANCE).data.chart()


def register():
    dashboard.register(
        "term_warnings",
        _("Open term warnings"),
        "registry:term_warning_list",
        roles=BUREAU_KINDS,
        order=40,
    )
    dashboard.register(
        "short_of_standard",
        _("Committees short of the staffing standard"),
        "registry:compliance",
        roles=BUREAU_KINDS,
        order=45,
        query="only_short=on",
        count=_short_of_standard,
    )
    dashboard.register(
        "committees",
        _("Active committees"),
        "registry:committee_list",
        roles=DIRECTORS | CLERKS,
        section=OVERVIEW,
        order=10,
    )
    dashboard.register(
        "mediators",
        _("Serving mediators"),
        "registry:mediator_list",
        roles=DIRECTORS | CLERKS,
        section=OVERVIEW,
        order=20,
        query=f"status={MediatorStatus.ACTIVE}",
    )
    dashboard.register_chart(
        "compliance-chart",
        _("Staffing standard compliance rate"),
        _compliance_by_area,
        roles=DIRECTORS,
        order=30,
        url_name="registry:compliance",
        labels={"label": _("Compliance rate")},
    )
    dashboard.register_link(
        _("Committees (export to Excel)"), "registry:committee_list", roles=FINANCE, order=30
    )
    dashboard.register_link(
        _("Mediators (export to Excel)"), "registry:mediator_list", roles=FINANCE, order=40
    )
    dashboard.register_link(
        _("Staffing standard compliance (workbook)"),
        "registry:compliance",
        roles=FINANCE,
        order=50,
        query="export=xlsx",
    )
