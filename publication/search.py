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
"""

import unicodedata

from django.contrib.postgres.search import SearchVectorField
from django.db import connections
from django.db.models import F, Lookup, Value
from django.db.models.functions import Cast


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
    literal = " & ".join(_quote(f"{publication_pk}:{gram}") for gram in _query_grams(query))
    queryset = queryset.filter(MatchesQuery(grams_expression(), Value(literal)))
    # Up to two characters the lexeme is the query itself; beyond, its pairs may
    # be found apart ("王小" and "小明" in 王小红明), so the name is checked.
    return queryset.filter(search_name__contains=query) if len(query) > 2 else queryset
