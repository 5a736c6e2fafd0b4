"""Web routes. Each screen area's module owns its patterns; this file only assembles them."""

from django.urls import path

from claims.views import claim_detail, claim_list, dashboard, public, reports, review
from sources import views as source_views

urlpatterns = [
    path("reports/new/", reports.report_paste, name="report-paste"),
    path("reports/<int:pk>/", reports.report_detail, name="report-detail"),
    path("reports/<int:pk>/evidence/", reports.report_evidence, name="report-evidence"),
    *dashboard.urlpatterns,
    *claim_list.urlpatterns,
    *claim_detail.urlpatterns,
    *review.urlpatterns,
    *public.urlpatterns,
    *source_views.urlpatterns,
]
