"""The REST API's routes, mounted under /api/."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from claims.api import resources
from claims.api.known_fact_checks import ClaimKnownFactChecks
from claims.api.views import Extract, ReportDetail, ReportListCreate

urlpatterns = [
    path("claims/", resources.ClaimList.as_view(), name="api-claim-list"),
    path("claims/<int:pk>/", resources.ClaimDetail.as_view(), name="api-claim-detail"),
    path("claims/<int:pk>/assign/", resources.ClaimAssign.as_view(), name="api-claim-assign"),
    path("claims/<int:pk>/evidence/", resources.EvidenceAdd.as_view(), name="api-evidence-add"),
    path(
        "claims/<int:pk>/evidence/<int:evidence_pk>/relabel/",
        resources.EvidenceRelabel.as_view(),
        name="api-evidence-relabel",
    ),
    path(
        "claims/<int:pk>/evidence/<int:evidence_pk>/reject/",
        resources.EvidenceReject.as_view(),
        name="api-evidence-reject",
    ),
    path("sources/", resources.SourceList.as_view(), name="api-source-list"),
    path("sources/<int:pk>/", resources.SourceDetail.as_view(), name="api-source-detail"),
    path("reports/", ReportListCreate.as_view(), name="api-report-list"),
    path("reports/<int:pk>/", ReportDetail.as_view(), name="api-report-detail"),
    path("verdicts/", resources.VerdictList.as_view(), name="api-verdict-list"),
    path("verdicts/<int:pk>/", resources.VerdictDetail.as_view(), name="api-verdict-detail"),
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
