"""Full-text search of opportunities on PostgreSQL: a stored tsvector (Spanish and English
stemming over the accent-folded search_text) with a GIN index. Other databases search
search_text with LIKE (opportunities/search.py), so nothing is created there."""

from django.db import migrations

FORWARD = """
ALTER TABLE opportunities_opportunity ADD COLUMN search_vector tsvector
    GENERATED ALWAYS AS (to_tsvector('spanish', search_text) || to_tsvector('english', search_text)) STORED;
CREATE INDEX opportunity_search_vector_gin ON opportunities_opportunity USING gin (search_vector);
"""
BACKWARD = """
DROP INDEX IF EXISTS opportunity_search_vector_gin;
ALTER TABLE opportunities_opportunity DROP COLUMN IF EXISTS search_vector;
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("opportunities", "0003_opportunity_figures")]
    operations = [migrations.RunPython(forward, backward)]
