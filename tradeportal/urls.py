"""The one module that wires the apps' URLs together (the core imports no app module elsewhere)."""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.i18n import JavaScriptCatalog
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from companies.api import views as companies_api
from opportunities.api import views as opportunities_api
from opportunities.web import views as opportunities_web
from tradeportal import api, views

router = DefaultRouter()
router.include_root_view = False
opportunities_api.register(router)
companies_api.register(router)

api_urlpatterns = [
    path("", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # Swagger UI from local files; its start-up script is served apart (?script) and the page
    # has no inline style, since the site's Content-Security-Policy forbids both.
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(
            url_name="api-schema", template_name="api/swagger_ui.html"
        ),
        name="api-docs",
    ),
    re_path(r"^.*$", api.not_found),
]

urlpatterns = [
    path("health/", views.health, name="health"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include(api_urlpatterns)),
]

urlpatterns += i18n_patterns(
    path("", opportunities_web.home, name="home"),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("companies/", include("companies.urls")),
    path("notifications/", include("opportunities.web.notification_urls")),
    path("", include("opportunities.web.urls")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    prefix_default_language=False,
)

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
