from django.contrib.auth.management import create_permissions
from django.db import migrations

from claims.roles import GRANTED_WITH_FEEDS


def grant(apps, schema_editor):
    # Permissions are normally created after all migrations ran; make sources' new ones now.
    config = apps.get_app_config("sources")
    config.models_module = True
    create_permissions(config, verbosity=0)
    config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, perms in GRANTED_WITH_FEEDS.items():
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
    for role, perms in GRANTED_WITH_FEEDS.items():
        group = Group.objects.filter(name=role).first()
        if group is not None:
            group.permissions.remove(
                *Permission.objects.filter(
                    content_type__app_label="sources",
                    codename__in=[codename for _, codename in perms],
                )
            )


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0014_known_fact_check"),
        ("sources", "0006_archive_feeds"),
    ]
    operations = [migrations.RunPython(grant, revoke)]
