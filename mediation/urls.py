from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from caselibrary.api.urls import router as caselibrary_router
from complaints.api.urls import router as complaints_router
from core.api.routers import Router
from core.api.urls import router as core_router
from core.api.views import MeView, TokenView
from evaluation.api.urls import router as evaluation_router
from grading.api.urls import router as grading_router
from honours.api.urls import router as honours_router
from mediation.api.urls import router as mediation_router
from publication.api.urls import router as publication_router
from registry.api.urls import router as registry_router
from subsidies.api.finance_urls import router as finance_router
from subsidies.api.urls import router as subsidies_router

# One API root: each app's router contributes its registrations.
api_router = Router()
for app_router in (
    core_router,
    registry_router,
    mediation_router,
    publication_router,
    complaints_router,
    grading_router,
    evaluation_router,
    finance_router,
    subsidies_router,
    honours_router,
    caselibrary_router,
):
    api_router.registry.extend(app_router.registry)

urlpatterns = [
    path("", include("core.urls")),
    path("", include("registry.urls")),
    path("", include("mediation.routes")),
    path("", include("publication.urls")),
    path("", include("complaints.urls")),
    path("", include("grading.urls")),
    path("", include("evaluation.urls")),
    path("", include("subsidies.urls")),
    path("", include("honours.urls")),
    path("", include("caselibrary.urls")),
    path("", include("subsidies.finance_urls")),
    # The public side: no login. Complaints first, so /public/complaints/ is not
    # taken for a bureau's code.
    path("public/complaints/", include("complaints.public_urls")),
    path("public/", include("publication.public_urls")),
    path("public/", include("grading.public_urls")),
    path("public/", include("caselibrary.public_urls")),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("api/v1/auth/token/", TokenView.as_view(), name="api-token"),
    path("api/v1/me/", MeView.as_view(), name="api-me"),
    path("api/v1/", include(api_router.urls)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's start-up script as a file of its own, so the
    # page needs no inline script (Content-Security-Policy); a browser that is not
    # signed in is sent to the login page.
    path(
        "api/docs/",
        login_required(
            SpectacularSwaggerSplitView.as_view(
                url_name="api-schema", template_name="core/swagger_ui.html"
            )
        ),
        name="api-docs",
    ),
]

# A URL under /api/ that no route matches answers in JSON, like the API's own 404s.
handler404 = "core.api.exceptions.not_found"
