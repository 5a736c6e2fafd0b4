"""django.contrib.admin's app, with the site that asks for the second factor. Its own module:
the site's module imports django-otp's models, which cannot load while apps are set up."""

from django.contrib.admin.apps import AdminConfig


class DeskAdminConfig(AdminConfig):
    default_site = "factcheck.admin_site.DeskAdminSite"
