"""Subqueries shared by list pages and reports."""

from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce


def count_per_row(queryset, column: str, counted=None):
    """How many rows of *queryset* point at the outer row (``column=OuterRef("pk")``),
    as a subquery the database runs per returned row only (after ORDER BY … LIMIT), so
    a page counts for the rows it shows, not for every row before it is cut; 0 when
    none. *counted* is the aggregate, ``Count("pk")`` by default."""
    counts = (
        queryset.filter(**{column: OuterRef("pk")})
        .order_by()
        .values(column)
        .annotate(n=counted or Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counts, output_field=IntegerField()), Value(0))
