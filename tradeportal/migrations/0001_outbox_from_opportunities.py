# The email outbox moves from the opportunities app into the core: state only, the table
# (opportunities_outboxemail) and its rows stay where they are.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("opportunities", "0012_match_references_unchecked"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="OutboxEmail",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("key", models.CharField(max_length=200, unique=True, verbose_name="unique key")),
                        ("to_email", models.EmailField(max_length=254, verbose_name="to")),
                        ("template", models.CharField(max_length=60, verbose_name="template")),
                        ("context", models.JSONField(default=dict, verbose_name="context")),
                        ("language", models.CharField(default="es", max_length=8, verbose_name="language")),
                        ("status", models.CharField(choices=[("queued", "Queued"), ("sending", "Sending"), ("sent", "Sent"), ("failed", "Failed")], default="queued", max_length=8, verbose_name="status")),
                        ("attempts", models.PositiveSmallIntegerField(default=0, verbose_name="attempts")),
                        ("claimed_at", models.DateTimeField(blank=True, null=True, verbose_name="claimed")),
                        ("next_attempt_at", models.DateTimeField(blank=True, null=True, verbose_name="next attempt")),
                        ("sent_at", models.DateTimeField(blank=True, null=True, verbose_name="sent")),
                        ("last_error", models.TextField(blank=True, verbose_name="last error")),
                        ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created")),
                        ("user", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        "verbose_name": "outbox email",
                        "verbose_name_plural": "outbox emails",
                        "ordering": ["-created_at"],
                        "db_table": "opportunities_outboxemail",
                        "indexes": [models.Index(fields=["status", "next_attempt_at"], name="opportuniti_status_99d418_idx")],
                    },
                ),
            ],
        ),
    ]
