from django.core.exceptions import ValidationError
from django.db.models import Q
from rest_framework.exceptions import NotFound
from rest_framework.pagination import CursorPagination, PageNumberPagination, _reverse_ordering


class StandardPagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 500


class KeysetPagination(CursorPagination):
    """For the big lists (mediators, cases, posts): constant cost at any depth, no
    COUNT(*).

    The order is one key with the primary key as tiebreak, both the same way, so a
    page is a range of one index on (key, id). A cursor holds the last row's
    (key, id) and the next page starts after that pair: DRF's own cursor keeps the
    key only and skips the rows that tie on it by count, which stops working past
    its offset cutoff (1,000 ties: a province files more cases on one day).

    A cursor is only base64 the client can edit: its position must read as a value
    of the key and an id (a cursor made under another ``ordering``, or typed by
    hand, would otherwise fail the query). One that does not is DRF's 404 "Invalid
    cursor", like any other malformed cursor.
    """

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
    ordering = "-pk"
    # Between the key's value and the id in a position; the id (the last part) never
    # holds it, so a name that does still splits right.
    SEPARATOR = "|"

    def get_ordering(self, request, queryset, view):
        key = super().get_ordering(request, queryset, view)[0]
        if key.lstrip("-") in ("pk", "id"):
            return (key,)
        return (key, ("-" if key.startswith("-") else "") + "pk")

    def paginate_queryset(self, queryset, request, view=None):
        # DRF's CursorPagination.paginate_queryset, with the filter on (key, id).
        self._model = queryset.model
        self.request = request
        self.page_size = self.get_page_size(request)
        if not self.page_size:
            return None
        self.base_url = request.build_absolute_uri()
        self.ordering = self.get_ordering(request, queryset, view)
        self.cursor = self.decode_cursor(request)
        offset, reverse, current_position = self.cursor or (0, False, None)
        order = _reverse_ordering(self.ordering) if reverse else self.ordering
        queryset = queryset.order_by(*order)
        if current_position is not None:
            queryset = queryset.filter(self._after(order, current_position))
        results = list(queryset[offset : offset + self.page_size + 1])
        self.page = results[: self.page_size]
        has_following = len(results) > len(self.page)
        following = (
            self._get_position_from_instance(results[-1], self.ordering) if has_following else None
        )
        started = current_position is not None or offset > 0
        self.next_position = self.previous_position = None
        if reverse:
            self.page.reverse()
            self.has_next, self.has_previous = started, has_following
            if self.has_next:
                self.next_position = current_position
            if self.has_previous:
                self.previous_position = following
        else:
            self.has_next, self.has_previous = has_following, started
            if self.has_next:
                self.next_position = following
            if self.has_previous:
                self.previous_position = current_position
        if (self.has_previous or self.has_next) and self.template is not None:
            self.display_page_controls = True
        return self.page

    def _after(self, order, position) -> Q:
        """The rows after *position* in *order*: for a key with its tiebreak,
        ``key < v OR (key = v AND id < i)`` (descending), written so that
        ``key <= v`` stays an index condition and the rest filters one key's ties."""
        if len(order) == 1:
            return Q(**{f"pk__{self._towards(order[0])}": position})
        key, towards = order[0].lstrip("-"), self._towards(order[0])
        value, pk = self._split(position)
        return Q(**{f"{key}__{towards}e": value}) & (
            Q(**{f"{key}__{towards}": value}) | Q(**{f"pk__{towards}": pk})
        )

    @staticmethod
    def _towards(key: str) -> str:
        return "lt" if key.startswith("-") else "gt"

    def _split(self, position: str) -> tuple[str, str]:
        value, separator, pk = position.rpartition(self.SEPARATOR)
        if not separator:
            raise NotFound(self.invalid_cursor_message)
        return value, pk

    def _get_position_from_instance(self, instance, ordering):
        # The stored value (a foreign key's id, not the related row's name).
        value = str(getattr(instance, self._key_field().attname))
        return value if len(ordering) == 1 else f"{value}{self.SEPARATOR}{instance.pk}"

    def decode_cursor(self, request):
        cursor = super().decode_cursor(request)
        if cursor is not None and cursor.position is not None:
            parts = (
                [(self._key_field(), cursor.position)]
                if len(self.ordering) == 1
                else zip(
                    (self._key_field(), self._model._meta.pk),
                    self._split(cursor.position),
                    strict=True,
                )
            )
            for field, value in parts:
                try:
                    field.to_python(value)
                except (ValidationError, ValueError, TypeError, OverflowError):
                    raise NotFound(self.invalid_cursor_message) from None
        return cursor

    def _key_field(self):
        # The ordering is the view's, validated against its ordering_fields.
        name = self.ordering[0].lstrip("-")
        meta = self._model._meta
        return meta.pk if name in ("pk", "id") else meta.get_field(name)
