from django.core.exceptions import ValidationError
from rest_framework.exceptions import NotFound
from rest_framework.pagination import CursorPagination, PageNumberPagination


class StandardPagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 500


class KeysetPagination(CursorPagination):
    """For the big lists (mediators, cases): constant cost at any depth, no COUNT(*).

    A cursor is only base64 the client can edit: its position must read as a value
    of the field the page is ordered by (a cursor made under another ``ordering``,
    or typed by hand, would otherwise fail the query). One that does not is DRF's
    404 "Invalid cursor", like any other malformed cursor.
    """

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
    ordering = "-pk"

    def paginate_queryset(self, queryset, request, view=None):
        self._model = queryset.model
        return super().paginate_queryset(queryset, request, view)

    def decode_cursor(self, request):
        cursor = super().decode_cursor(request)
        if cursor is not None and cursor.position is not None:
            try:
                self._position_field().to_python(cursor.position)
            except (ValidationError, ValueError, TypeError, OverflowError):
                raise NotFound(self.invalid_cursor_message) from None
        return cursor

    def _position_field(self):
        # The ordering is the view's, validated against its ordering_fields.
        name = self.ordering[0].lstrip("-")
        meta = self._model._meta
        return meta.pk if name == "pk" else meta.get_field(name)
