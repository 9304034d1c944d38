"""Name search of the published roster, prepared at publish time.

Chinese names are two to four characters and people search by one or two of them
(a surname, a given name), so trigrams, which need three characters, would not narrow
``%王%`` down at all. Each published row instead stores its name's characters and
character pairs as full-text lexemes (``name_grams``); PostgreSQL indexes them with a
GIN index (migration 0002), and a search for a name looks up its pairs (or the query
itself, up to two characters) there; a longer query is then checked against the whole
name. SQLite, the development database, has no such index and compares
``search_name`` directly.

Each lexeme carries its publication's pk ("8:王"): the index alone then finds one
roster's matches, however many versions are kept, and the planner sees how rare they
are in that roster rather than in all of them.

Both sides go through ``normalise``: NFKC (full-width letters and digits become
ASCII), case folded, white space removed, so "王 芳" finds 王芳 and "ＬＩ" finds "Li".

``Matches`` is the public search itself, written as SQL: building and compiling the
same query with the ORM took longer than PostgreSQL takes to run it. The search's
FilterSet (publication.filtersets) filters the same way with the ORM, for a roster
published before its rows were stored; a test holds the two to the same rows.
"""

import unicodedata

from django.contrib.postgres.search import SearchVectorField
from django.db import connection, connections
from django.db.models import F, Lookup, Value
from django.db.models.functions import Cast

from core.regions import prefix_of

CODE_LENGTH = 12


def normalise(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).casefold().split())


def grams(text: str) -> list[str]:
    """The single characters and pairs of adjacent characters of normalised *text*,
    each once, in order of first appearance."""
    found = dict.fromkeys(text)
    found.update(dict.fromkeys(text[i : i + 2] for i in range(len(text) - 1)))
    return list(found)


def _quote(lexeme: str) -> str:
    """A lexeme in tsvector/tsquery input syntax: quoted, so no character is an
    operator, and written as is (the cast does no parsing or stemming)."""
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


def grams_vector(name: str, publication_pk: int) -> str:
    """What ``name_grams`` stores for *name* in a publication: its grams as a tsvector
    literal."""
    return " ".join(_quote(f"{publication_pk}:{gram}") for gram in grams(normalise(name)))


def _query_grams(query: str) -> list[str]:
    """The grams every name containing *query* has: the query itself up to two
    characters, else its pairs."""
    if len(query) <= 2:
        return [query]
    return list(dict.fromkeys(query[i : i + 2] for i in range(len(query) - 1)))


def _query_literal(query: str, publication_pk: int) -> str:
    """The tsquery of the names of a publication containing normalised *query*: all
    its grams' lexemes. Up to two characters the lexeme is the query itself; beyond,
    its pairs may be found apart ("王小" and "小明" in 王小红明), so a name they find
    is then checked whole."""
    return " & ".join(_quote(f"{publication_pk}:{gram}") for gram in _query_grams(query))


class MatchesQuery(Lookup):
    """``<tsvector> @@ CAST(<literal> AS tsquery)``: the literal cast, never parsed
    by a text-search configuration, so lexemes match the stored ones exactly."""

    lookup_name = "matches_query"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} @@ CAST({rhs} AS tsquery)", (*lhs_params, *rhs_params)


def grams_expression():
    """The indexed expression (publication.PublishedMediator's GIN index); a filter
    must spell it the same way for PostgreSQL to use the index."""
    return Cast(F("name_grams"), output_field=SearchVectorField())


def filter_name(queryset, value: str, publication_pk: int):
    """Rows of the publication whose name contains *value* (normalised); served by
    the GIN index on PostgreSQL."""
    query = normalise(value)
    if not query:
        return queryset
    if connections[queryset.db].vendor != "postgresql":
        return queryset.filter(search_name__contains=query)
    literal = _query_literal(query, publication_pk)
    queryset = queryset.filter(MatchesQuery(grams_expression(), Value(literal)))
    return queryset.filter(search_name__contains=query) if len(query) > 2 else queryset


def region_range(code: str) -> tuple[str, str]:
    """The codes of *code* and the regions under it, as a range of the region column,
    which the (publication, region, name) index serves; a LIKE on the prefix could not
    use it under a non-C collation."""
    prefix = prefix_of(code)
    return prefix.ljust(CODE_LENGTH, "0"), prefix.ljust(CODE_LENGTH, "9")


class Matches:
    """The rows of a publication that a search's cleaned *values* (field name to
    value, "" for none: region, committee, expertise, level, name) find, in the
    roster's order, as one SQL statement per call."""

    def __init__(self, publication_pk: int, values: dict):
        self.connection = connection
        self.joins, self.where, self.params = [], ["m.publication_id = %s"], [publication_pk]
        if values.get("region"):
            self.where.append("m.region_id >= %s AND m.region_id <= %s")
            self.params.extend(region_range(values["region"]))
        if values.get("committee"):
            self.joins.append("JOIN publication_publishedcommittee c ON c.id = m.committee_id")
            self._like("c.name", values["committee"], "icontains")
        if values.get("expertise"):
            self.joins.append(
                "JOIN publication_publishedmediator_expertise e ON e.publishedmediator_id = m.id"
            )
            self.where.append("e.expertisefield_id = %s")
            self.params.append(values["expertise"])
        if values.get("level"):
            self.where.append("m.level = %s")
            self.params.append(int(values["level"]))
        query = normalise(values.get("name") or "")
        self.by_name = bool(query)
        if not query:
            return
        if self.connection.vendor != "postgresql":
            self._like("m.search_name", query, "contains")
            return
        # The indexed expression (migration 0002), spelt as the index spells it.
        self.where.append("m.name_grams::tsvector @@ CAST(%s AS tsquery)")
        self.params.append(_query_literal(query, publication_pk))
        if len(query) > 2:
            self._like("m.search_name", query, "contains")

    def _like(self, column: str, value: str, lookup: str):
        """*column* contains *value*, as the ORM's *lookup* writes it on this
        database (escaped wildcards, its case folding)."""
        ops = self.connection.ops
        column = ops.lookup_cast(lookup, "CharField") % column
        self.where.append(f"{column} {self.connection.operators[lookup] % '%s'}")
        self.params.append(f"%{ops.prep_for_like_query(value)}%")

    def _from(self) -> str:
        return " ".join(
            ["FROM publication_publishedmediator m", *self.joins, "WHERE", " AND ".join(self.where)]
        )

    def rows(self, offset: int, limit: int, *, counted: bool = False) -> list:
        """The stored lines of the rows offset..offset+limit; *counted*, each with the
        count of all matches beside it, taken over the matches in the same statement
        (over a name's few, which the index found; over a whole roster it would read
        every row)."""
        if counted:
            # The window in a subquery: beside the LIMIT, PostgreSQL costs it as if it
            # could stop after the page's rows, and walks the whole roster in its order
            # (the position index) rather than the name index, 16 ms instead of 1 for
            # a common surname.
            sql = (
                "SELECT row_html, total FROM (SELECT m.row_html, m.position, "
                f"COUNT(*) OVER () AS total {self._from()}) found "
                "ORDER BY position LIMIT %s OFFSET %s"
            )
        else:
            sql = f"SELECT m.row_html {self._from()} ORDER BY m.position LIMIT %s OFFSET %s"
        with self.connection.cursor() as cursor:
            cursor.execute(sql, [*self.params, limit, offset])
            found = cursor.fetchall()
        return found if counted else [row for (row,) in found]

    def count(self) -> int:
        with self.connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) {self._from()}", self.params)
            return cursor.fetchone()[0]
