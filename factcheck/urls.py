from django.contrib import admin
from django.urls import include, path

from factcheck import views

admin.site.site_header = "Factcheck workbench"
admin.site.site_title = "Factcheck workbench admin"
admin.site.index_title = "Sources, reports, claims and users"

handler404 = "factcheck.views.not_found"

urlpatterns = [
    path("admin/", admin.site.urls),
    # Before Django's auth URLs, so that this one answers for the reset without mail.
    path("accounts/password_reset/", views.password_reset, name="password_reset"),
    path("accounts/two-factor/", views.two_factor_verify, name="two_factor_verify"),
    path("accounts/two-factor/enrol/", views.two_factor_enrol, name="two_factor_enrol"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("api/", include("claims.api.urls")),
    path("", include("claims.urls")),
]
