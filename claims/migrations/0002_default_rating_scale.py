from django.db import migrations

from claims.default_ratings import DEFAULT_SCALE, seed_default_scale


def seed_scale(apps, schema_editor):
    seed_default_scale(apps)


def unseed_scale(apps, schema_editor):
    Rating = apps.get_model("claims", "Rating")
    Rating.objects.filter(label__in=[row[1] for row in DEFAULT_SCALE], verdicts__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("claims", "0001_initial")]
    operations = [migrations.RunPython(seed_scale, unseed_scale)]
