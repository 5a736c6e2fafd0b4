"""Full-text search over claims on PostgreSQL: a GIN index on the very expression the claims
list queries (claims.selectors.claim_list.SEARCH_VECTOR), so the planner can use it.

Not declared in Claim.Meta: Django cannot express an index on SearchVector portably, and
SQLite has no to_tsvector; the list falls back to icontains there. Keeping it out of the
model state also keeps makemigrations clean.
"""

from django.db import migrations

INDEX_NAME = "claim_search_idx"
# Must match the SQL Django writes for SearchVector("text", "quote", config="english").
EXPRESSION = (
    "to_tsvector('english'::regconfig, COALESCE(\"text\", '') || ' ' || COALESCE(\"quote\", ''))"
)


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX_NAME} ON claims_claim USING GIN ({EXPRESSION})"
    )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX_NAME}")


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0004_claim_updated_at_index"),
    ]

    operations = [
        migrations.RunPython(create_index, drop_index, elidable=False),
    ]
