"""Search of opportunities: their words (stemmed Spanish and English on PostgreSQL, folded words
elsewhere) or their product, found by the site's product search.

"calamar" finds an opportunity filed under 0307 (molluscs) although its text says "Moluscos": the
product search turns the words into HS codes (trade names, typos, stems), and an opportunity
under one of those codes, or under their heading, matches and ranks first.
"""

from django.db import connection
from django.db.models import BooleanField, Case, FloatField, Q, QuerySet, Value, When
from django.db.models.expressions import RawSQL

from opportunities.reference.hs_search import MAX_QUERY, codes_under
from tradeportal.text import fold

TSQUERY = "(websearch_to_tsquery('spanish', %s) || websearch_to_tsquery('english', %s))"
PRODUCT_RANK = 1.0  # above any ts_rank of the words alone


def search(queryset: QuerySet, query: str) -> QuerySet:
    """Filter to the opportunities whose words or product match `query`, each annotated with
    its `rank`: the product found first, then (on PostgreSQL) how well the words match.
    Elsewhere every match has all the words, so only the product orders them: "uvas" lists
    grapes (0806) before the wines whose text says "uvas"."""
    text = fold(query[:MAX_QUERY])
    if not text:
        return queryset
    codes = codes_under(text)
    by_product = Q(hs_code_id__in=codes)
    product = Case(
        When(by_product, then=Value(PRODUCT_RANK)),
        default=Value(0.0),
        output_field=FloatField(),
    )
    if connection.vendor == "postgresql":
        table = queryset.model._meta.db_table
        words = RawSQL(f"{table}.search_vector @@ {TSQUERY}", [text, text], BooleanField())
        rank = RawSQL(f"ts_rank({table}.search_vector, {TSQUERY})", [text, text], FloatField())
        return (
            queryset.annotate(word_match=words)
            .filter(Q(word_match=True) | by_product)
            .annotate(rank=rank + product)
        )
    by_words = Q()
    for word in text.split():
        by_words &= Q(search_text__contains=word)
    return queryset.filter(by_words | by_product).annotate(rank=product)
