from django.db import migrations

from claims.migrations._grants import grant_operation
from claims.roles import GRANTED_WITH_FEEDS


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0014_known_fact_check"),
        ("sources", "0006_archive_feeds"),
    ]
    operations = [grant_operation(GRANTED_WITH_FEEDS, ("sources",))]
