# The email outbox now belongs to the core (tradeportal.OutboxEmail, same table): state only.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("opportunities", "0012_match_references_unchecked"),
        ("tradeportal", "0001_outbox_from_opportunities"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[migrations.DeleteModel(name="OutboxEmail")],
        ),
    ]
