"""The statistics kept as snapshots for large jurisdictions (core.snapshots): a
province's year of cases takes longer to add up than a page may. The page (and its
workbook) and the API read their own filter forms, which take ids differently."""

from core import snapshots
from mediation import statistics
from mediation.forms.statistics import StatisticsForm

STATISTICS = "mediation.statistics"
STATISTICS_API = "mediation.statistics.api"


@snapshots.report(STATISTICS)
def page_statistics(query):
    return statistics.compute(**StatisticsForm(query).filters())


@snapshots.report(STATISTICS_API)
def api_statistics(query):
    return statistics.compute(**StatisticsForm(query, api=True).filters())
