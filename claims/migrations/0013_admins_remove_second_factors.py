from django.db import migrations

from claims.migrations._grants import grant_operation
from claims.roles import GRANTED_WITH_SECOND_FACTORS


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0012_status_change_story_at"),
        ("otp_totp", "0003_add_timestamps"),
        ("otp_static", "0003_add_timestamps"),
    ]
    operations = [grant_operation(GRANTED_WITH_SECOND_FACTORS, ("otp_totp", "otp_static"))]
