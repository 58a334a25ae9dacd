"""The product search on the whole HS 2022 nomenclature and the committed vocabulary: a floor
under the benchmark's figures (make bench-search), so a change that breaks search fails CI."""

import csv
from pathlib import Path

import pytest
from django.conf import settings

from bench.search_quality import evaluate, load_queries
from opportunities.models import HSCode, TradeName
from opportunities.reference import hs_search
from opportunities.reference.importers import import_hs
from opportunities.reference.importers.hs import without_own_text
from opportunities.reference.trade_names import TRADE_NAMES_FILE, import_trade_names
from tradeportal.text import fold

pytestmark = pytest.mark.django_db(transaction=False)


@pytest.fixture
def nomenclature(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        import_hs(Path(settings.TRADEPORTAL_DATA_DIR))
        import_trade_names()


def test_the_query_set_meets_the_targets(nomenclature):
    queries = load_queries()
    assert len(queries) >= 200

    def search(text: str) -> list[str]:
        return [hit.code for hit in hs_search.search_hits(text, limit=20)]

    report = evaluate(search, queries)
    assert report.recall_at(5) >= 0.95, [o.query.text for o in report.misses(5)]
    assert report.recall_at(1) >= 0.75
    names = {fold(name.name) for name in TradeName.objects.all()}
    # Queries that are not a trade name of the vocabulary as such (sentences, typos, codes,
    # attributes): measured apart so the vocabulary cannot carry the figures alone.
    other = [q for q in queries if fold(q.text) not in names]
    assert len(other) >= 150
    others = evaluate(search, other)
    assert others.recall_at(5) >= 0.90
    assert others.recall_at(1) >= 0.70


def test_fewer_than_one_percent_of_subheadings_lack_their_own_spanish_text(nomenclature):
    codes = list(HSCode.objects.all())
    subheadings = [code for code in codes if code.level == 6]
    assert len(subheadings) == 5613
    assert len(without_own_text(codes)) < 0.01 * len(subheadings)
    squid = {code.code: code.description_es for code in codes if code.code[:5] == "03074"}
    assert "congelados" in squid["030743"] and "refrigerados" in squid["030742"]


def test_the_vocabulary_names_real_codes_in_both_countries_spanish_and_english(nomenclature):
    with TRADE_NAMES_FILE.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) >= 400
    known = set(HSCode.objects.values_list("code", flat=True))
    assert {code for row in rows for code in row["codes"].split()} <= known
    assert {row["language"] for row in rows} == {"es", "es-MX", "es-PE", "en"}
    assert TradeName.objects.count() == len(rows)
    pota = TradeName.objects.get(name="pota")
    assert "030743" in {code.code for code in pota.codes.all()}
