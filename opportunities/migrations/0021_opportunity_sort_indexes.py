# The browse page's and the API's sorts (listings.filters.SORTS) read in index order, so that a
# page of the open opportunities stops after its rows instead of sorting all of them. The two
# sorts with NULLS LAST get their index on PostgreSQL only: SQLite has no such index.

from django.db import migrations, models

NULLS_LAST = {
    "opportunity_by_value_nl_idx": "status, value_usd DESC NULLS LAST, id DESC",
    "opportunity_closing_idx": "status, deadline ASC NULLS LAST, id DESC",
}


def create_nulls_last(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name, columns in NULLS_LAST.items():
            schema_editor.execute(
                f"CREATE INDEX IF NOT EXISTS {name} ON opportunities_opportunity ({columns})"
            )


def drop_nulls_last(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name in NULLS_LAST:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("companies", "0010_company_unverified_idx"),
        ("opportunities", "0020_merge_deal"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="opportunity",
            index=models.Index(
                fields=["status", "-value_usd", "-id"], name="opportunity_by_value_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="opportunity",
            index=models.Index(
                fields=["status", "-published_at", "-id"], name="opportunity_newest_idx"
            ),
        ),
        migrations.RunPython(create_nulls_last, drop_nulls_last),
    ]
