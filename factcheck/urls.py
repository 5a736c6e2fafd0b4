from django.contrib import admin
from django.urls import path

admin.site.site_header = "Factcheck workbench"
admin.site.site_title = "Factcheck workbench admin"
admin.site.index_title = "Sources, reports, claims and users"

urlpatterns = [
    path("admin/", admin.site.urls),
]
