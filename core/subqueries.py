"""Subqueries shared by list pages and reports."""

from django.db.models import Aggregate, Count, IntegerField, OuterRef, Subquery, TextField, Value
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


class SpaceJoined(Aggregate):
    """The values of a text column joined by single spaces, in no particular order
    (for values without spaces, such as slugs): STRING_AGG on PostgreSQL,
    GROUP_CONCAT on SQLite."""

    function = "STRING_AGG"
    template = "%(function)s(%(expressions)s, ' ')"
    output_field = TextField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, function="GROUP_CONCAT", **extra_context)


def joined_per_row(queryset, column: str, joined: str):
    """The *joined* values of the rows of *queryset* that point at the outer row
    (``column=OuterRef("pk")``), as one text joined by spaces (SpaceJoined), or None
    when there are none: a subquery the database answers per returned row from the
    index on *column*."""
    values = (
        queryset.filter(**{column: OuterRef("pk")})
        .order_by()
        .values(column)
        .annotate(joined=SpaceJoined(joined))
        .values("joined")
    )
    return Subquery(values, output_field=TextField())
