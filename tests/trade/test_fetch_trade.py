"""fetch_trade end to end against local HTTP servers (127.0.0.1, port 0) in the APIs' shapes.

DataMéxico's server pages jsonrecords built from the real rows of data/datamexico/*.csv; UN
Comtrade's answers in the shape its API (and the comtradeapicall package) documents. No test
reaches the internet.
"""

import csv
import json
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import StringIO
from urllib.parse import parse_qs, urlparse

import pytest
from django.core.management import CommandError, call_command
from django.core.management.base import OutputWrapper
from django.utils import translation

from opportunities.management.commands.fetch_trade import Progress
from opportunities.matching import tasks
from opportunities.models import TradeDataset, TradeFlow
from opportunities.trade.fetchers import datamexico as fetcher
from tests.reference_data import data_dir, shared_dir

pytestmark = pytest.mark.django_db
SHARED = shared_dir()
NUMERIC = ("Month ID", "State ID", "HS6 ID", "Flow ID", "Trade Value")


def real_records() -> list[dict]:
    """The shared DataMéxico rows as the API gives them (numbers as JSON numbers)."""
    records = []
    for path in sorted((SHARED / "datamexico").glob("state*.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                records.append({k: int(v) if k in NUMERIC else v for k, v in row.items()})
    return records


class FakeAPI:
    """A loopback server: `answer(path, params)` returns (status, body); faults by key."""

    def __init__(self):
        self.requests: list[tuple[str, dict]] = []
        self.headers: list[dict] = []
        self.faults: dict[tuple, list] = {}  # key -> answers to give first, one per request
        api = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                url = urlparse(self.path)
                params = {k: v[0] for k, v in parse_qs(url.query).items()}
                api.requests.append((url.path, params))
                api.headers.append(dict(self.headers))
                status, body = api.answer(url.path, params)
                payload = body.encode() if isinstance(body, str) else json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}"

    def fault(self, key: tuple):
        queued = self.faults.get(key)
        return queued.pop(0) if queued else None

    def answer(self, path, params):
        raise NotImplementedError


class FakeDataMexico(FakeAPI):
    def __init__(self):
        super().__init__()
        self.records = real_records()

    def answer(self, path, params):
        key = (int(params["State"]), int(params["Month"]), params["Flow"], int(params["page"]))
        fault = self.fault(key)
        if fault == "500":
            return 500, {"error": "internal"}
        if fault == "invalid":
            return 200, '{"data": [{"Month ID": 2024'
        if fault == "shape":
            return 200, {"rows": []}
        if fault == "404":
            return 404, {"error": "cube not found"}
        wanted = [
            r for r in self.records if (r["State ID"], r["Month ID"], str(r["Flow ID"])) == key[:3]
        ]
        limit, page = int(params["limit"]), key[3]
        return 200, {"data": wanted[page * limit : (page + 1) * limit], "source": []}


@pytest.fixture
def datamexico(settings):
    api = FakeDataMexico()  # from the shared data, before the tests' own data directory
    settings.TRADEPORTAL_DATA_DIR = SHARED  # the whole HS, as the real files need
    call_command("import_hs", stdout=StringIO())
    call_command("import_regions", stdout=StringIO())
    api.thread.start()
    yield api
    api.server.shutdown()
    api.server.server_close()


@pytest.fixture(autouse=True)
def english():
    """Messages are asserted in English here."""
    with translation.override("en"):
        yield


@pytest.fixture
def regenerations(monkeypatch):
    calls = []
    monkeypatch.setattr(tasks.regenerate_demand, "delay", lambda: calls.append(1))
    return calls


def fetch(api, tmp_path, *args) -> str:
    out = StringIO()
    call_command(
        "fetch_trade",
        "datamexico",
        "--year",
        "2024",
        "--months",
        "12",
        "--api-url",
        f"{api.url}/apidatamexico/tesseract/data.jsonrecords",
        "--download-dir",
        str(tmp_path),
        "--page-size",
        "40",
        "--concurrency",
        "1",
        "--rate",
        "1000",
        "--max-wait",
        "0.01",
        *args,
        stdout=out,
    )
    return out.getvalue()


def shared_rows(name: str) -> Counter:
    with (SHARED / "datamexico" / name).open(encoding="utf-8", newline="") as handle:
        return Counter(tuple(row.values()) for row in csv.DictReader(handle))


def test_a_fetch_writes_each_state_month_as_the_shared_file_imports_it_and_regenerates_once(
    datamexico, tmp_path, regenerations
):
    datamexico.faults[6, 202412, "1", 2] = ["500"]  # one page fails once: retried
    output = fetch(datamexico, tmp_path, "--state", "3,6")
    for name in ("state03_202412.csv", "state06_202412.csv"):
        written = tmp_path / "datamexico" / name
        with written.open(encoding="utf-8", newline="") as handle:
            assert Counter(tuple(r.values()) for r in csv.DictReader(handle)) == shared_rows(name)
    pages = [p for path, p in datamexico.requests if (p["State"], p["page"]) == ("6", "2")]
    assert len(pages) == 2  # the 500, then the retry
    assert all(h["User-Agent"].startswith("TradePortal/") for h in datamexico.headers)
    assert {p["cube"] for _path, p in datamexico.requests} == {"economy_foreign_trade_mun"}
    colima = TradeDataset.objects.get(name="state06_202412.csv")
    assert (colima.source, colima.rows, colima.is_synthetic) == ("datamexico", 259, False)
    assert colima.fetched_at is not None and "datamexico" in colima.source_url
    assert TradeFlow.objects.filter(dataset=colima, region="MX-COL", month=12).count() == 259
    assert regenerations == [1]  # once for the whole fetch, not per file
    assert "state06_202412.csv: 259 rows" in output  # plain progress lines off a terminal


@pytest.mark.parametrize(
    ("fault", "reason"),
    [
        ("invalid", "not valid JSON"),
        ("shape", "response shape changed"),
        ("404", "answered HTTP 404"),
    ],
)
def test_a_bad_page_refuses_the_month_clearly_and_imports_nothing(
    datamexico, tmp_path, regenerations, fault, reason
):
    datamexico.faults[3, 202412, "1", 4] = [fault]
    with pytest.raises(CommandError) as refused:
        fetch(datamexico, tmp_path, "--state", "3")
    assert "state 3, month 2024-12, page 4" in str(refused.value)
    assert reason in str(refused.value)
    assert list((tmp_path / "datamexico").iterdir()) == []  # no file, no partial file
    assert not TradeDataset.objects.exists() and regenerations == []


def test_an_empty_month_stops_with_a_message_naming_it(datamexico, tmp_path, regenerations):
    with pytest.raises(CommandError, match=r"state 5, month 2024-12, page 0: .*no records"):
        fetch(datamexico, tmp_path, "--state", "5")
    assert not TradeDataset.objects.exists()


def test_an_interrupted_fetch_keeps_complete_files_and_resumes_from_them(
    datamexico, tmp_path, regenerations
):
    datamexico.faults[6, 202412, "1", 0] = ["500"] * 3  # the API is down for state 6
    with pytest.raises(CommandError) as stopped:
        fetch(datamexico, tmp_path, "--state", "3,6", "--retries", "3")
    assert "state 6, month 2024-12, page 0" in str(stopped.value)
    assert "could not be reached after 3 tries" in str(stopped.value)
    folder = tmp_path / "datamexico"
    assert sorted(p.name for p in folder.iterdir()) == ["state03_202412.csv"]
    assert not TradeDataset.objects.exists()
    datamexico.requests.clear()
    output = fetch(datamexico, tmp_path, "--state", "3,6", "--retries", "3")
    assert {p["State"] for _path, p in datamexico.requests} == {"6"}  # state 3 not fetched again
    assert "state03_202412.csv: already complete, skipped" in output
    assert set(TradeDataset.objects.values_list("name", flat=True)) == {
        "state03_202412.csv",
        "state06_202412.csv",
    }
    assert regenerations == [1]


class Terminal(StringIO):
    def isatty(self) -> bool:
        return True


def test_a_terminal_gets_a_progress_bar_with_pages_rows_and_time_left(datamexico, tmp_path):
    screen = Terminal()
    progress = Progress(OutputWrapper(screen), 1, "DataMéxico 2024")
    parts = fetcher.plan(year=2024, months=[12], states=[6], flows=["imports"])
    options = fetcher.Options(api_url=f"{datamexico.url}/x", page_size=40, per_second=1000)
    fetcher.fetch(parts, tmp_path, options=options, on_page=progress.page, on_file=progress.file)
    progress.close()
    shown = screen.getvalue()
    assert "DataMéxico 2024" in shown and "7 pages, 248 rows" in shown and "1/1" in shown


def test_bad_arguments_are_explained(datamexico, tmp_path):
    with pytest.raises(CommandError, match="--months"):
        fetch(datamexico, tmp_path, "--months", "0-13")
    with pytest.raises(CommandError, match="--state"):
        fetch(datamexico, tmp_path, "--state", "40")


# UN Comtrade ------------------------------------------------------------------------------


def comtrade_record(partner: str, code: str, value: float, flow: str = "M") -> dict:
    """One record as the Comtrade API (data/v1/get, and comtradeapicall's frames) gives it."""
    return {
        "typeCode": "C",
        "freqCode": "A",
        "refPeriodId": 20240101,
        "refYear": 2024,
        "refMonth": 52,
        "period": "2024",
        "reporterCode": 604,
        "reporterISO": "PER",
        "reporterDesc": "Peru",
        "flowCode": flow,
        "flowDesc": "Import" if flow == "M" else "Export",
        "partnerCode": 0 if partner == "W00" else 484,
        "partnerISO": partner,
        "partnerDesc": "World" if partner == "W00" else "Mexico",
        "cmdCode": code,
        "cmdDesc": "",
        "aggrLevel": 6,
        "isLeaf": True,
        "qtyUnitCode": 8,
        "qtyUnitAbbr": "kg",
        "qty": 1000.0,
        "netWgt": 1000.0,
        "cifvalue": value,
        "fobvalue": None,
        "primaryValue": value,
        "isReported": True,
        "isAggregate": False,
    }


class FakeComtrade(FakeAPI):
    def answer(self, path, params):
        fault = self.fault((path, params["flowCode"]))
        if fault == "500":
            return 500, "upstream error"
        records = [
            comtrade_record("W00", "852852", 743e6, params["flowCode"]),
            comtrade_record("MEX", "852852", 143e6, params["flowCode"]),
            comtrade_record("W00", "080610", 4.1e6, params["flowCode"]),
        ]
        return 200, {"elapsedTime": "0.1 secs", "count": len(records), "data": records, "error": ""}


@pytest.fixture
def comtrade_api(settings):
    settings.TRADEPORTAL_DATA_DIR = data_dir()
    call_command("import_hs", stdout=StringIO())
    api = FakeComtrade()
    api.thread.start()
    yield api
    api.server.shutdown()
    api.server.server_close()


def fetch_comtrade(api, tmp_path, path: str, *args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command(
        "fetch_trade",
        "comtrade",
        "--year",
        "2024",
        "--api-url",
        f"{api.url}{path}",
        "--download-dir",
        str(tmp_path),
        "--max-wait",
        "0.01",
        "--rate",
        "1000",
        *args,
        stdout=out,
        stderr=err,
    )
    return out.getvalue(), err.getvalue()


def test_comtrade_with_a_key_fetches_perus_trade_with_the_world_and_mexico(
    comtrade_api, tmp_path, regenerations, monkeypatch
):
    monkeypatch.setenv("COMTRADE_API_KEY", "test-key")
    comtrade_api.faults["/data/v1/get/C/A/HS", "M"] = ["500"]  # retried
    _out, err = fetch_comtrade(comtrade_api, tmp_path, "/data/v1/get/C/A/HS")
    assert "preview" not in err
    assert comtrade_api.headers[0]["Ocp-Apim-Subscription-Key"] == "test-key"
    params = comtrade_api.requests[0][1]
    assert (params["reporterCode"], params["partnerCode"], params["cmdCode"]) == (
        "604",
        "0,484",
        "AG6",
    )
    imports = TradeDataset.objects.get(name="comtrade_PER_2024_M.csv")
    assert imports.rows == 3 and imports.source == "comtrade" and imports.fetched_at
    monitors = TradeFlow.objects.get(dataset=imports, partner="MEX")
    assert (monitors.reporter, monitors.flow, monitors.hs_code_id) == ("PER", "M", "852852")
    assert TradeFlow.objects.filter(dataset=imports, partner="WLD").count() == 2
    assert regenerations == [1]


def test_comtrade_without_a_key_uses_the_preview_and_says_what_that_limits(
    comtrade_api, tmp_path, regenerations, monkeypatch
):
    monkeypatch.delenv("COMTRADE_API_KEY", raising=False)
    _out, err = fetch_comtrade(
        comtrade_api, tmp_path, "/public/v1/preview/C/A/HS", "--flow", "imports"
    )
    assert "COMTRADE_API_KEY" in err and "500" in err
    assert [path for path, _p in comtrade_api.requests] == ["/public/v1/preview/C/A/HS"]
    assert TradeDataset.objects.get().name == "comtrade_PER_2024_M.csv"


def test_a_spanish_speaking_operator_reads_the_refusal_in_spanish(datamexico, tmp_path):
    datamexico.faults[3, 202412, "1", 4] = ["invalid"]
    with translation.override("es"), pytest.raises(CommandError) as refused:
        fetch(datamexico, tmp_path, "--state", "3", "--concurrency", "2")
    assert "estado 3, mes 2024-12, página 4: la respuesta no es JSON válido" in str(refused.value)
