from django.db import migrations

from claims.migrations._grants import grant_operation
from claims.roles import GRANTED_WITH_WEBHOOKS


class Migration(migrations.Migration):
    dependencies = [("claims", "0016_webhooks")]
    operations = [grant_operation(GRANTED_WITH_WEBHOOKS, ("claims",))]
