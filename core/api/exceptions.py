from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import ProtectedError
from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views.defaults import page_not_found
from rest_framework import status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler as drf_exception_handler

from core.validators import replace_surrogates


def exception_handler(exc, context):
    """DRF's handler, plus model validation errors as field errors (400) and
    deletions blocked by history as 409: every error is JSON."""
    if isinstance(exc, DjangoValidationError):
        response = Response(as_serializer_error(exc), status=status.HTTP_400_BAD_REQUEST)
    elif isinstance(exc, ProtectedError):
        response = Response(
            {"detail": _("This record is still referenced and cannot be deleted.")},
            status=status.HTTP_409_CONFLICT,
        )
    else:
        response = drf_exception_handler(exc, context)
    if response is not None:
        # Messages may quote the input ("“…” is not a valid choice"); a lone surrogate
        # quoted from a JSON body cannot be encoded, and the refusal would be a 500.
        response.data = replace_surrogates(response.data)
    return response


def not_found(request, exception):
    """The project's 404 page (urls.handler404): under /api/, DRF's JSON answer, so a
    URL no route matches (``/api/v1/cases/0.5/``) reads like any other API 404."""
    if request.path.startswith("/api/"):
        detail = str(NotFound.default_detail)
        return JsonResponse({"detail": detail}, status=status.HTTP_404_NOT_FOUND)
    return page_not_found(request, exception)
