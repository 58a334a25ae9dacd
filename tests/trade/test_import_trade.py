"""Trade files in three formats: parsed right, atomic with line numbers, re-importable."""

from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from opportunities.matching import services as matching
from opportunities.models import TradeDataset, TradeFlow
from opportunities.trade import countries, importing, rowkeys
from opportunities.trade.importing import import_trade_file, import_world_chapters
from tests.reference_data import data_dir
from tradeportal.importing import ImportRejected

DATA = data_dir()
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """Messages are asserted in English here; one test checks the Spanish wording."""
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def reference(settings, english):
    settings.TRADEPORTAL_DATA_DIR = DATA
    for command in ("import_hs", "import_regions"):
        call_command(command, stdout=StringIO())


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


BACI = """t,i,j,k,v,q
2023,484,604,852852,1500.5,12.25
2024,484,604,852852,2000.25,NA
2024,604,484,80610,310.0,90.5
2024,604,484,740311,  310000.125,  55000
"""


def test_baci_rows_become_imports_of_the_importer_in_us_dollars(tmp_path):
    dataset = import_trade_file(path=write(tmp_path, "baci.csv", BACI), fmt="baci")
    assert dataset.rows == 4 and (dataset.period_start, dataset.period_end) == (2023, 2024)
    monitors = TradeFlow.objects.get(year=2024, hs_code="852852")
    assert (monitors.reporter, monitors.partner, monitors.flow) == ("PER", "MEX", "M")
    assert monitors.value_usd == Decimal("2000250.00")
    assert monitors.quantity is None
    grapes = TradeFlow.objects.get(hs_code="080610")  # the leading zero BACI lost is restored
    assert (grapes.reporter, grapes.partner, grapes.quantity, grapes.quantity_unit) == (
        "MEX",
        "PER",
        Decimal("90.500"),
        "t",
    )
    assert TradeFlow.objects.get(hs_code="740311").value_usd == Decimal("310000125.00")


def test_datamexico_rows_keep_the_state_the_month_and_the_partner(tmp_path):
    # Four rows of Baja California Sur's December 2024 file, and a row with an HS 2017 code.
    real = (DATA / "datamexico" / "state03_202412.csv").read_text()
    old_code = "202412,2024-12,3,Baja California Sur,2070290,Tomatoes,1,Imports,per,Peru,1200\n"
    path = write(tmp_path, "state03_202412.csv", real + old_code)
    dataset = import_trade_file(path=path, fmt="datamexico")
    assert dataset.source == "datamexico" and dataset.rows == 5
    boxes = TradeFlow.objects.get(hs_code="392310", partner="PER")
    assert (boxes.reporter, boxes.region_id, boxes.flow) == ("MEX", "MX-BCS", "M")
    assert (boxes.year, boxes.month, boxes.value_usd) == (2024, 12, Decimal("6713"))
    assert TradeFlow.objects.get(hs_code="030353").flow == "X"
    # 070290 is an HS 2017 code: kept at its HS 2022 heading
    assert TradeFlow.objects.get(hs_code="0702").value_usd == Decimal("1200")


COMTRADE_HEADER = (
    "typeCode,freqCode,refPeriodId,refYear,refMonth,period,reporterCode,reporterISO,flowCode,"
    "partnerCode,partnerISO,cmdCode,qtyUnitAbbr,qty,primaryValue\n"
)
COMTRADE = (
    COMTRADE_HEADER
    + """C,A,20240101,2024,52,2024,604,PER,M,0,W00,852852,u,1200,88000000
C,A,20240101,2024,52,2024,604,PER,M,484,MEX,852852,u,150,12000000
C,A,20240101,2024,52,2024,604,PER,RX,484,MEX,852852,u,1,10
C,M,20240301,2024,3,202403,484,MEX,X,604,PER,TOTAL,,,52000000
"""
)


def test_comtrade_rows_are_stored_as_reported_with_the_world_and_totals(tmp_path):
    dataset = import_trade_file(path=write(tmp_path, "comtrade.csv", COMTRADE), fmt="comtrade")
    assert dataset.rows == 3  # the re-export row is skipped
    world = TradeFlow.objects.get(partner="WLD")
    assert (world.reporter, world.flow, world.hs_code_id, world.value_usd) == (
        "PER",
        "M",
        "852852",
        Decimal("88000000"),
    )
    assert world.quantity == 1200 and world.quantity_unit == "u"
    total = TradeFlow.objects.get(hs_code=None)
    assert (total.reporter, total.flow, total.month) == ("MEX", "X", 3)


OEC_HS2 = """year,flow,country_iso3,country_name,hs2,value_usd
2024,export,MEX,Mexico,85,150000000000
2024,import,MEX,Mexico,8,1639528853
2024,import,PER,Peru,07,120000000
"""


def test_world_chapter_rows_are_real_trade_of_each_country_with_the_world(tmp_path):
    dataset = import_trade_file(path=write(tmp_path, "oec.csv", OEC_HS2), fmt="oec_hs2")
    assert (dataset.source, dataset.is_synthetic, dataset.rows) == ("baci_oec", False, 3)
    assert dataset.get_source_display() == "CEPII BACI via OEC"
    assert dataset.coverage["reporters"] == {"X": 1, "M": 2}
    grapes = TradeFlow.objects.get(reporter="MEX", flow="M")
    assert (grapes.partner, grapes.hs_code_id, grapes.year) == ("WLD", "08", 2024)
    assert grapes.value_usd == Decimal("1639528853")
    assert TradeFlow.objects.get(reporter="MEX", flow="X").hs_code_id == "85"


def test_the_shared_world_chapters_load_as_a_real_dataset_with_its_provenance():
    dataset = import_world_chapters(DATA)
    assert dataset.licence == "CC BY 4.0" and dataset.source_url.startswith("https://oec.world")
    assert dataset.rows == TradeFlow.objects.filter(dataset=dataset, partner="WLD").count() > 0
    assert not TradeFlow.objects.filter(dataset=dataset).exclude(flow__in=["M", "X"]).exists()


@pytest.mark.parametrize(
    ("fmt", "text", "line", "reason"),
    [
        ("baci", BACI + "2024,484,999,852852,1.0,1.0\n", 6, "unknown country code '999'"),
        ("baci", BACI.replace("852852,2000.25", "999999,2000.25"), 3, "unknown HS code '999999'"),
        ("baci", BACI.replace("310.0", "lots"), 4, "numeric"),
        ("baci", BACI + "2024,484,604\n", 6, "expected 6 columns"),
        ("comtrade", COMTRADE.replace(",88000000", ",eighty"), 2, "value is not a number"),
        ("oec_hs2", OEC_HS2.replace("import,PER", "reexport,PER"), 4, "unknown flow"),
        ("oec_hs2", OEC_HS2.replace(",8,", ",99,"), 3, "unknown HS code '99'"),
    ],
)
def test_a_bad_row_rejects_the_whole_file_with_its_line(tmp_path, fmt, text, line, reason):
    with pytest.raises(ImportRejected) as rejected:
        import_trade_file(path=write(tmp_path, f"{fmt}.csv", text), fmt=fmt)
    assert f"{fmt}.csv, line {line}:" in str(rejected.value)
    assert reason in str(rejected.value)
    assert not TradeFlow.objects.exists()
    assert not TradeDataset.objects.exists()


def test_a_datamexico_row_cut_to_ten_columns_is_refused_at_its_line_without_a_traceback(
    tmp_path,
):
    lines = (DATA / "datamexico" / "state03_202412.csv").read_text().splitlines()
    lines[3] = lines[3].rsplit(",", 1)[0]  # line 4 loses its Trade Value
    path = write(tmp_path, "state03_202412.csv", "\n".join(lines) + "\n")
    with pytest.raises(CommandError) as rejected:
        call_command("import_trade", str(path), format="datamexico", stdout=StringIO())
    assert str(rejected.value) == (
        "rejected, nothing was written: state03_202412.csv, line 4: expected 11 columns, found 10"
    )
    assert not TradeFlow.objects.exists() and not TradeDataset.objects.exists()


def test_a_rejected_reimport_keeps_the_rows_of_the_earlier_import(tmp_path):
    path = write(tmp_path, "baci.csv", BACI)
    import_trade_file(path=path, fmt="baci")
    path.write_text(BACI + "2024,484,604,852852,oops,1\n")
    with pytest.raises(ImportRejected):
        import_trade_file(path=path, fmt="baci")
    assert TradeFlow.objects.count() == 4


def test_reimporting_a_file_replaces_its_rows_instead_of_duplicating_them(tmp_path):
    path = write(tmp_path, "baci.csv", BACI)
    import_trade_file(path=path, fmt="baci")
    import_trade_file(path=path, fmt="baci")
    assert TradeFlow.objects.count() == 4
    assert TradeDataset.objects.count() == 1


def test_reimporting_a_file_leaves_the_rows_of_other_files_alone(tmp_path):
    first, second = write(tmp_path, "a.csv", BACI), write(tmp_path, "b.csv", BACI)
    import_trade_file(path=first, fmt="baci")
    import_trade_file(path=second, fmt="baci")
    first.write_text(BACI.replace("1500.5", "1600"))
    import_trade_file(path=first, fmt="baci")
    assert TradeFlow.objects.count() == 8
    values = TradeFlow.objects.filter(year=2023).values_list("dataset__name", "value_usd")
    assert sorted(values) == [("a.csv", Decimal("1600000")), ("b.csv", Decimal("1500500"))]


def test_the_command_reports_a_rejection_clearly(tmp_path):
    path = write(tmp_path, "bad.csv", "t,i,j,k,v,q\n2024,484,604,852852,1.0\n")
    with pytest.raises(CommandError, match=r"rejected, nothing was written: bad.csv, line 2"):
        call_command("import_trade", str(path), format="baci", stdout=StringIO())


def test_a_rejection_is_explained_in_spanish_to_spanish_speaking_staff(tmp_path):
    path = write(tmp_path, "baci.csv", BACI + "2024,484,999,852852,1.0,1.0\n")
    with translation.override("es"), pytest.raises(ImportRejected) as rejected:
        import_trade_file(path=path, fmt="baci")
    assert str(rejected.value) == "baci.csv, línea 6: código de país desconocido '999'"


def test_market_demand_is_regenerated_once_the_import_commits(
    tmp_path, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        matching.import_trade_file(path=write(tmp_path, "baci.csv", BACI), fmt="baci")
    # First the demand is regenerated, then (after that commits) the companies are rematched
    # and the product space is rebuilt. (The other callbacks are the public page cache's
    # invalidation, tested on its own.)
    tasks = [c.__self__.name for c in callbacks if hasattr(c, "__self__")]
    assert tasks == [
        "opportunities.matching.tasks.regenerate_demand",
        "opportunities.matching.tasks.full_rematch",
        "opportunities.trade.tasks.build_product_space",
    ]
    from opportunities.models import Opportunity

    assert Opportunity.objects.filter(kind="demand", market_country="PE", hs_code="8528").exists()


@pytest.mark.parametrize("repeats", [1, 150])
@pytest.mark.parametrize("in_process", [True, False])
def test_the_first_repeated_row_is_refused_with_both_its_lines(
    tmp_path, monkeypatch, repeats, in_process
):
    if not in_process:  # a large file's rows come from a reader process of their own
        monkeypatch.setattr(importing, "PRODUCER_MIN_BYTES", 0)
    rows = [f"2024,484,604,852852,{n}.5,1" for n in range(300)]
    text = "t,i,j,k,v,q\n" + "\n".join(rows + rows[150 : 150 + repeats]) + "\n"
    with pytest.raises(ImportRejected) as rejected:
        import_trade_file(path=write(tmp_path, "baci.csv", text), fmt="baci")
    assert str(rejected.value) == "baci.csv, line 302: repeats line 152 (duplicate row)"
    assert not TradeFlow.objects.exists() and not TradeDataset.objects.exists()


def read_apart(monkeypatch, in_process: bool, held: int | None = None) -> None:
    if not in_process:
        monkeypatch.setattr(importing, "PRODUCER_MIN_BYTES", 0)
    if held:  # the repeat check's hashes go to a file every `held` rows
        monkeypatch.setattr(rowkeys, "HELD_HASHES", held)


@pytest.mark.parametrize("in_process", [True, False])
@pytest.mark.parametrize(
    "first, again",
    [
        ("2024,484,604,852852,1.5,1", "2024,484,604,852852,1.50,1.000"),  # the same numbers
        ("2024,484,604,80610,7,NA", "2024,484,604,080610,7,NA"),  # the same code
        ("2024,484,604,852852,1.5,1", "02024,484,604,852852,1.5,1"),  # the same year
    ],
)
def test_a_row_that_repeats_another_written_differently_is_refused(
    tmp_path, monkeypatch, in_process, first, again
):
    read_apart(monkeypatch, in_process)
    rows = [f"2023,{exporter},604,852852,1,1" for exporter in (484, 32, 76, 152, 170)]
    text = "t,i,j,k,v,q\n" + "\n".join([first, *rows, again]) + "\n"
    with pytest.raises(ImportRejected) as rejected:
        import_trade_file(path=write(tmp_path, "baci.csv", text), fmt="baci")
    assert str(rejected.value) == "baci.csv, line 8: repeats line 2 (duplicate row)"
    assert not TradeFlow.objects.exists()


@pytest.mark.parametrize("in_process", [True, False])
def test_the_same_flow_at_two_values_is_not_a_repeat(tmp_path, monkeypatch, in_process):
    read_apart(monkeypatch, in_process)
    text = "t,i,j,k,v,q\n2024,484,604,852852,1.5,1\n2024,484,604,852852,1.5,2\n"
    dataset = import_trade_file(path=write(tmp_path, "baci.csv", text), fmt="baci")
    assert dataset.rows == 2
    assert sorted(TradeFlow.objects.values_list("quantity", flat=True)) == [1, 2]


@pytest.mark.parametrize("in_process", [True, False])
def test_a_repeat_far_from_its_first_line_is_found_among_hashes_written_out(
    tmp_path, monkeypatch, in_process
):
    read_apart(monkeypatch, in_process, held=7)
    exporters = [c for c in countries.baci_codes() if countries.baci_codes()[c] != "PER"][:40]
    rows = [f"2024,{exporter},604,852852,{n},1" for n, exporter in enumerate(exporters)]
    unique = write(tmp_path, "unique.csv", "t,i,j,k,v,q\n" + "\n".join(rows) + "\n")
    assert import_trade_file(path=unique, fmt="baci").rows == 40
    repeated = write(tmp_path, "again.csv", "t,i,j,k,v,q\n" + "\n".join([*rows, rows[3]]))
    with pytest.raises(ImportRejected) as rejected:
        import_trade_file(path=repeated, fmt="baci")
    assert str(rejected.value) == "again.csv, line 42: repeats line 5 (duplicate row)"


@pytest.mark.parametrize("in_process", [True, False])
def test_a_comtrade_row_repeating_another_in_other_words_is_refused(
    tmp_path, monkeypatch, in_process
):
    read_apart(monkeypatch, in_process, held=2)
    header = "refYear,period,reporterISO,partnerISO,flowCode,cmdCode,primaryValue,qty,qtyUnitAbbr"
    rows = [
        "2024,2024,MEX,PER,M,080610,1000,5,kg",
        "2024,2024,MEX,PER,M,080610,2000,5,kg",  # the same flow at another value: kept
        "2024,2024,MEX,CHL,M,080610,1000,5,kg",
        "2024,2024,mex,per,M,80610,1000.0,5.00,kg",  # the first row again
    ]
    path = write(tmp_path, "comtrade.csv", "\n".join([header, *rows]) + "\n")
    with pytest.raises(ImportRejected) as rejected:
        import_trade_file(path=path, fmt="comtrade")
    assert str(rejected.value) == "comtrade.csv, line 5: repeats line 2 (duplicate row)"
    path.write_text("\n".join([header, *rows[:3]]) + "\n")
    assert import_trade_file(path=path, fmt="comtrade").rows == 3


def test_a_file_read_in_a_process_of_its_own_stores_the_same_rows(tmp_path, monkeypatch):
    monkeypatch.setattr(importing, "PRODUCER_MIN_BYTES", 0)
    dataset = import_trade_file(path=write(tmp_path, "baci.csv", BACI), fmt="baci")
    assert (dataset.rows, dataset.period_start, dataset.period_end) == (4, 2023, 2024)
    assert TradeFlow.objects.get(year=2023).value_usd == Decimal("1500500")
