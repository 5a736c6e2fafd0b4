from django.contrib.auth.management import create_permissions
from django.db import migrations

from claims.roles import GRANTED_WITH_SECOND_FACTORS

APPS = ("otp_totp", "otp_static")


def grant(apps, schema_editor):
    # Permissions are normally created after all migrations ran; make django-otp's exist now.
    for label in APPS:
        config = apps.get_app_config(label)
        config.models_module = True
        create_permissions(config, verbosity=0)
        config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, perms in GRANTED_WITH_SECOND_FACTORS.items():
        group = Group.objects.get(name=role)
        group.permissions.add(
            *(
                Permission.objects.get(content_type__app_label=app, codename=codename)
                for app, codename in perms
            )
        )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, perms in GRANTED_WITH_SECOND_FACTORS.items():
        group = Group.objects.filter(name=role).first()
        if group is not None:
            group.permissions.remove(
                *Permission.objects.filter(
                    content_type__app_label__in={app for app, _ in perms},
                    codename__in=[codename for _, codename in perms],
                )
            )


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0012_status_change_story_at"),
        ("otp_totp", "0003_add_timestamps"),
        ("otp_static", "0003_add_timestamps"),
    ]
    operations = [migrations.RunPython(grant, revoke)]
