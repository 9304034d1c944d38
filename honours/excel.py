"""The honours result workbook (评选结果): one row per nominee, in rank order, with
each panel member's total beside the result. Small (a call has dozens of nominees),
so it is built in memory through core.excel, where text stays text."""

from django.utils.translation import gettext as _

from core.excel import Column, build_workbook
from honours import services


def result_workbook(call, nominations) -> bytes:
    members = list(services.panel_of(call))
    case_call = any(n.case_id for n in nominations)
    columns = [
        Column(_("Rank"), lambda n: n.rank, 6),
        Column(_("Mediator"), lambda n: n.mediator.name, 12),
    ]
    if case_call:
        columns.append(Column(_("Case number"), lambda n: n.case.number if n.case else "", 18))
    columns += [
        Column(_("Nominated by"), lambda n: n.office.name, 18),
        Column(_("Statement"), lambda n: n.statement, 40),
    ]
    for member in members:
        columns.append(
            Column(
                member.display_name,
                lambda n, m=member.pk: next(
                    (s.total for s in n.scores.all() if s.member_id == m), None
                ),
                10,
            )
        )
    columns += [
        Column(_("Result"), lambda n: n.score, 8, "0.00"),
        Column(_("Awarded"), lambda n: call.title if n.awarded else "", 12),
    ]
    return build_workbook(f"{call.year}{call.title}", columns, nominations)
