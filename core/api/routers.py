from rest_framework import routers

from core.api.viewsets import JurisdictionAPIMixin


class APIRootView(JurisdictionAPIMixin, routers.APIRootView):
    """The API's index, which a token user reaches in their role like any route."""


class Router(routers.DefaultRouter):
    APIRootView = APIRootView
