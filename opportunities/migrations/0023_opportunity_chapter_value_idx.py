# The largest published opportunities of an HS chapter, in order: an opportunity page's related ones
# read five index rows instead of walking every open opportunity by value (issue 18).

import django.db.models.functions.text
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("companies", "0010_company_unverified_idx"),
        ("opportunities", "0022_merge_apiimport"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="opportunity",
            index=models.Index(
                django.db.models.functions.text.Substr("hs_code", 1, 2),
                models.OrderBy(models.F("value_usd"), descending=True),
                models.OrderBy(models.F("id"), descending=True),
                condition=models.Q(("status", "published"), ("value_usd__isnull", False)),
                name="opportunity_chapter_value_idx",
            ),
        ),
    ]
