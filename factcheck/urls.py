from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Factcheck workbench"
admin.site.site_title = "Factcheck workbench admin"
admin.site.index_title = "Sources, reports, claims and users"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("api/", include("claims.api.urls")),
    path("", include("claims.urls")),
]
