"""The statistics page: the figures of the active jurisdiction for a period, a row
per child area (drilling down to committees and their mediators), the monthly trend
and dispute-type charts, and the same table as a workbook (``?export=xlsx``)."""

import datetime

from django.http import HttpResponse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views import generic

from core import snapshots
from core.db_router import ReplicaReadsMixin
from core.excel import XLSX_CONTENT_TYPE, Column, build_workbook
from core.generic_views import RoleRequiredMixin
from mediation import snapshots as mediation_snapshots
from mediation import statistics
from mediation.forms.statistics import StatisticsForm


class StatisticsView(ReplicaReadsMixin, RoleRequiredMixin, generic.TemplateView):
    template_name = "mediation/statistics.html"

    def get(self, request, *args, **kwargs):
        form = StatisticsForm(request.GET)
        filters = form.filters()
        kept = snapshots.read(
            mediation_snapshots.STATISTICS,
            request.GET,
            compute=lambda: statistics.compute(**filters),
        )
        figures = kept.data
        if request.GET.get("export") == "xlsx":
            return statistics_workbook(figures)
        columns = statistics.columns(figures)
        period = {"from": f"{figures.start:%Y-%m-%d}", "to": f"{figures.end:%Y-%m-%d}"}
        query = request.GET.copy()
        context = self.get_context_data(
            filterset={"form": form},
            figures=figures,
            as_of=kept.computed_at,
            headers=[header for header, _value in columns],
            table=[(row, [value(row) for _h, value in columns]) for row in figures.rows],
            total=[value(figures.total) for _h, value in columns],
            period_query=urlencode(period),
            export_query=urlencode({**query.dict(), "export": "xlsx"}),
            committee=filters["committee"],
            area=filters["area"],
        )
        return self.render_to_response(context)


def statistics_workbook(figures: statistics.Statistics) -> HttpResponse:
    columns = [
        Column(str(header), value, 24 if n == 0 else 12)
        for n, (header, value) in enumerate(statistics.columns(figures))
    ]
    content = build_workbook(_("Statistics"), columns, [*figures.rows, figures.total])
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    name = f"statistics-{figures.start:%Y%m%d}-{figures.end:%Y%m%d}-{datetime.date.today():%Y%m%d}"
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response
