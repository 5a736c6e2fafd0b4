"""The REST API's routes, mounted under /api/."""

from django.urls import path

from claims.api.views import Extract, ReportDetail, ReportListCreate

urlpatterns = [
    path("reports/", ReportListCreate.as_view(), name="api-report-list"),
    path("reports/<int:pk>/", ReportDetail.as_view(), name="api-report-detail"),
    path("extract/", Extract.as_view(), name="api-extract"),
]
