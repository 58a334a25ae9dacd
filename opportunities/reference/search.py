"""Full-text search of opportunities: stemmed Spanish and English on PostgreSQL, words elsewhere.

Text is folded (lower case, no accents) before it is stored and before it is searched, so "cafe"
finds "café" on every database; PostgreSQL adds stemming ("uvas" finds "uva") and ranking.
"""

from django.db import connection
from django.db.models import FloatField, QuerySet
from django.db.models.expressions import RawSQL

from tradeportal.text import fold

TSQUERY = "(websearch_to_tsquery('spanish', %s) || websearch_to_tsquery('english', %s))"


def search(queryset: QuerySet, query: str) -> QuerySet:
    """Filter to the opportunities matching every word of `query`; on PostgreSQL, annotate each
    with its `rank` (elsewhere, and without words, there is nothing to rank by)."""
    text = fold(query)
    if not text:
        return queryset
    if connection.vendor == "postgresql":
        table = queryset.model._meta.db_table
        return queryset.extra(
            where=[f"{table}.search_vector @@ {TSQUERY}"], params=[text, text]
        ).annotate(
            rank=RawSQL(
                f"ts_rank({table}.search_vector, {TSQUERY})",
                [text, text],
                output_field=FloatField(),
            )
        )
    for word in text.split():
        queryset = queryset.filter(search_text__contains=word)
    return queryset
