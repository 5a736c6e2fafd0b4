"""Granting roles permissions from a migration, shared by the migrations that do it (the
migration loader skips modules whose names start with an underscore)."""

from collections.abc import Iterable, Mapping, Sequence

from django.contrib.auth.management import create_permissions
from django.db import migrations


def grant_operation(
    grants: Mapping[str, Sequence[tuple[str, str]]], apps_with_new_models: Iterable[str]
) -> migrations.RunPython:
    """A RunPython that gives each role (a Group) its `grants`, (app_label, codename) pairs,
    and takes them back when reversed. Permissions are normally created after all migrations
    ran; those of `apps_with_new_models` are created first so they can be granted now."""
    labels = tuple(apps_with_new_models)

    def grant(apps, schema_editor):  # type: ignore[no-untyped-def]
        for label in labels:
            config = apps.get_app_config(label)
            config.models_module = True
            create_permissions(config, verbosity=0)
            config.models_module = None
        Group = apps.get_model("auth", "Group")
        Permission = apps.get_model("auth", "Permission")
        for role, perms in grants.items():
            group = Group.objects.get(name=role)
            group.permissions.add(
                *(
                    Permission.objects.get(content_type__app_label=app, codename=codename)
                    for app, codename in perms
                )
            )

    def revoke(apps, schema_editor):  # type: ignore[no-untyped-def]
        Group = apps.get_model("auth", "Group")
        Permission = apps.get_model("auth", "Permission")
        for role, perms in grants.items():
            group = Group.objects.filter(name=role).first()
            if group is not None:
                group.permissions.remove(
                    *Permission.objects.filter(
                        content_type__app_label__in={app for app, _ in perms},
                        codename__in=[codename for _, codename in perms],
                    )
                )

    return migrations.RunPython(grant, revoke)
