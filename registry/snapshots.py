"""The roster's reports kept as snapshots for large jurisdictions (core.snapshots):
the staffing-standard rates (the report, the dashboard's count and chart) and the
data completeness. Each is computed from the page's filter form."""

from core import snapshots
from registry import reports
from registry.forms.reports import AreaFilterForm, ComplianceFilterForm

COMPLIANCE = "registry.compliance"
COMPLETENESS = "registry.completeness"


@snapshots.report(COMPLIANCE)
def compliance(query):
    filters = ComplianceFilterForm(query).filters()
    return reports.compliance_rates(region=filters["region"], kind=filters.get("kind", ""))


@snapshots.report(COMPLETENESS)
def completeness(query):
    return reports.completeness(**AreaFilterForm(query).filters())
