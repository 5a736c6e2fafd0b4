"""The REST API's routes, mounted under /api/."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from claims.api.known_fact_checks import ClaimKnownFactChecks
from claims.api.views import Extract, ReportDetail, ReportListCreate

urlpatterns = [
    path("reports/", ReportListCreate.as_view(), name="api-report-list"),
    path("reports/<int:pk>/", ReportDetail.as_view(), name="api-report-detail"),
    path(
        "claims/<int:pk>/known-fact-checks/",
        ClaimKnownFactChecks.as_view(),
        name="api-claim-known-fact-checks",
    ),
    path("extract/", Extract.as_view(), name="api-extract"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's set-up script from its own URL: no inline script.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
]
