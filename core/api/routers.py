from rest_framework import routers

from core.api.viewsets import JurisdictionAPIMixin


class APIRootView(JurisdictionAPIMixin, routers.APIRootView):
    """The API's index, which a token user reaches in their role like any route."""


class Router(routers.DefaultRouter):
    APIRootView = APIRootView
    # No "/mediators/1.json" twin of every route: clients ask for JSON by the Accept
    # header (or ?format=json), and each twin was one more route to guard and walk.
    include_format_suffixes = False
