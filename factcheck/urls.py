from django.contrib import admin
from django.urls import include, path

from claims.api.views import ReportDetail, ReportListCreate

admin.site.site_header = "Factcheck workbench"
admin.site.site_title = "Factcheck workbench admin"
admin.site.index_title = "Sources, reports, claims and users"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("api/reports/", ReportListCreate.as_view(), name="api-report-list"),
    path("api/reports/<int:pk>/", ReportDetail.as_view(), name="api-report-detail"),
    path("", include("claims.urls")),
]
