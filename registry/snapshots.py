"""The roster's reports kept as snapshots for large jurisdictions (core.snapshots):
the staffing-standard rates (the report, the dashboard's count and chart), the data
completeness and the training report's counts. Each is computed from the page's
filter form."""

from core import snapshots
from registry import reports
from registry.forms.reports import AreaFilterForm, ComplianceFilterForm, TrainingReportForm

COMPLIANCE = "registry.compliance"
COMPLETENESS = "registry.completeness"
TRAINING = "registry.training_counts"


@snapshots.report(COMPLIANCE)
def compliance(query):
    filters = ComplianceFilterForm(query).filters()
    return reports.compliance_rates(region=filters["region"], kind=filters.get("kind", ""))


@snapshots.report(COMPLETENESS)
def completeness(query):
    return reports.completeness(**AreaFilterForm(query).filters())


@snapshots.report(TRAINING)
def training_counts(query):
    return reports.training_counts(**TrainingReportForm(query).filters())
