"""The data directory the import tests read: the small hand-written files of tests/fixtures/data
(regions, sectors, the article's figures) with the HS sections, rows of the HS nomenclature and
of a DataMéxico state file taken from the shared reference data, which is never copied into the
project (TRADEPORTAL_DATA_DIR, default ../shared/data)."""

import csv
import functools
import io
import shutil
import tempfile
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "data"
HS_FILE = Path("hs_es") / "hs2022_en_es.csv"
SECTIONS_FILE = Path("hs") / "sections.csv"
STATE_FILE = Path("datamexico") / "state03_202412.csv"
WORLD_CHAPTERS_FILE = Path("trade_hs2") / "baci_oec_hs2_2024.csv"
# Lines of the state file the tests use: imports from Belgium and from Peru, and an export.
STATE_LINES = (2, 52, 132, 403)
# HS codes the tests and the fixtures' sectors use, with those of the state file's rows.
HS_CODES = {
    *("07", "0702", "070200", "08", "0806", "080610", "080620", "09", "0901", "090111"),
    *("33", "3305", "330510", "74", "7403", "740311", "85", "8525", "8528", "852852"),
    *("852859", "TOTAL"),
}


def shared_dir() -> Path:
    from django.conf import settings

    shared = Path(settings.TRADEPORTAL_DATA_DIR)
    if not (shared / HS_FILE).is_file():
        raise RuntimeError(
            f"the tests read reference data from {shared} (TRADEPORTAL_DATA_DIR): not found"
        )
    return shared


@functools.cache
def data_dir() -> Path:
    """Build the directory once per test run, in a temporary folder."""
    shared, target = shared_dir(), Path(tempfile.mkdtemp(prefix="tradeportal-test-data-"))
    shutil.copytree(FIXTURES, target, dirs_exist_ok=True)
    (target / SECTIONS_FILE).parent.mkdir(exist_ok=True)
    shutil.copy(shared / SECTIONS_FILE, target / SECTIONS_FILE)
    state = (shared / STATE_FILE).read_text(encoding="utf-8").splitlines(keepends=True)
    rows = [state[0], *(state[line - 1] for line in STATE_LINES)]
    (target / STATE_FILE).parent.mkdir(exist_ok=True)
    (target / STATE_FILE).write_text("".join(rows), encoding="utf-8")
    codes = set(HS_CODES)
    for row in csv.DictReader(io.StringIO("".join(rows))):
        six = row["HS6 ID"][-6:]
        codes |= {six, six[:4], six[:2]}
    with (shared / HS_FILE).open(encoding="utf-8", newline="") as source:
        reader = csv.reader(source)
        header = next(reader)
        kept = [row for row in reader if row[1] in codes]
    (target / HS_FILE).parent.mkdir(exist_ok=True)
    with (target / HS_FILE).open("w", encoding="utf-8", newline="") as out:
        csv.writer(out).writerows([header, *kept])
    _world_chapters(shared, target, {code for code in codes if len(code) == 2})
    return target


def _world_chapters(shared: Path, target: Path, chapters: set[str]) -> None:
    """The real trade by chapter (CEPII BACI via OEC) of the chapters the HS subset holds."""
    lines = (shared / WORLD_CHAPTERS_FILE).read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [line for line in lines[1:] if line.split(",")[4] in chapters]
    (target / WORLD_CHAPTERS_FILE).parent.mkdir(exist_ok=True)
    (target / WORLD_CHAPTERS_FILE).write_text("".join([lines[0], *kept]), encoding="utf-8")
