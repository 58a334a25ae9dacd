"""The trade-name vocabulary: loaded from the committed starting file, then edited by staff."""

import csv
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from opportunities.reference import hs_search
from opportunities.reference.models import HSCode, TradeName
from tradeportal.importing import ImportRejected, Progress, quiet

DATA = Path(__file__).resolve().parent / "data"
TRADE_NAMES_FILE = DATA / "trade_names.csv"


@dataclass(frozen=True)
class LoadResult:
    created: int
    kept: int


@transaction.atomic
def import_trade_names(*, path: Path = TRADE_NAMES_FILE, progress: Progress = quiet) -> LoadResult:
    """Add the names of the file that are not in the database yet; names staff already have
    (edited or not) are kept as they are. Codes missing from the loaded nomenclature are left
    out (a test checks that the file names only real HS 2022 codes)."""
    known = set(HSCode.objects.values_list("code", flat=True))
    rows = [
        (line, name, language, [c for c in codes if c in known], source)
        for line, name, language, codes, source in _read(path)
    ]
    rows = [row for row in rows if row[3]]
    existing = set(TradeName.objects.values_list("name", flat=True))
    new = [row for row in rows if row[1] not in existing]
    names = TradeName.objects.bulk_create(
        [
            TradeName(name=name, language=language, source=source)
            for _l, name, language, _c, source in new
        ]
    )
    through = TradeName.codes.through
    through.objects.bulk_create(
        [
            through(tradename_id=name.pk, hscode_id=code)
            for name, row in zip(names, new, strict=True)
            for code in row[3]
        ]
    )
    result = LoadResult(created=len(new), kept=len(rows) - len(new))
    progress(
        _("Trade names: %(created)s added, %(kept)s already there")
        % {"created": result.created, "kept": result.kept}
    )
    hs_search.index_changed()
    return result


def _read(path: Path):
    """Rows of the file as (line, name, language, codes, source); a bad row rejects the file."""
    with path.open(encoding="utf-8", newline="") as handle:
        for line, row in enumerate(csv.DictReader(handle), start=2):
            name = row["name"].strip()
            codes = row["codes"].split()
            language = row["language"].strip()
            if not name or not codes or language not in TradeName.Language.values:
                raise ImportRejected(path, line, _("a name, a language and codes are required"))
            if not all(code.isdigit() and len(code) in (2, 4, 6) for code in codes):
                raise ImportRejected(path, line, _("HS codes have 2, 4 or 6 digits"))
            yield line, name[:120], language, codes, row.get("source", "").strip()[:200]
