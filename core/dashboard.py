"""Counters on the dashboard. Each app registers what it counts (a lower app cannot
import a higher one, so the dashboard asks rather than imports)."""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Counter:
    label: str
    count: Callable  # (request) -> int, run inside the active jurisdiction
    url_name: str | None = None
    order: int = 100
    query: str = ""  # appended to the link, e.g. "overdue=1"
    alert: bool = False  # highlight when the count is not zero


COUNTERS: list[Counter] = []


def register(label, count, url_name=None, order=100, query="", alert=False):
    COUNTERS.append(Counter(label, count, url_name, order, query, alert))
    COUNTERS.sort(key=lambda c: c.order)
