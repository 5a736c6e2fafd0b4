from django.urls import path
from django.views.generic import RedirectView

from claims import views

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="report-paste"), name="home"),
    path("reports/new/", views.report_paste, name="report-paste"),
    path("reports/<int:pk>/", views.report_detail, name="report-detail"),
]
