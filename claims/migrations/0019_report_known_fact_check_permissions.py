from django.db import migrations

from claims.migrations._grants import grant_operation
from claims.roles import GRANTED_WITH_REPORT_KNOWN_FACT_CHECKS


class Migration(migrations.Migration):
    dependencies = [("claims", "0018_report_known_fact_check")]
    operations = [grant_operation(GRANTED_WITH_REPORT_KNOWN_FACT_CHECKS, ("claims",))]
