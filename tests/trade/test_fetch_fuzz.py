"""Generated bad answers from a loopback API: every fetch ends in the right import or a refusal
naming the source's part (or the file and line) and the reason, with nothing stored.

Truncated JSON, empty bodies, Latin-1 bytes (declared or not), wrong shapes and types, huge
fields, HTTP errors, dropped connections, slow answers (within and beyond the timeout) and values
the importer refuses. FETCH_EXAMPLES answers per source in `make test` (derandomized), more in
`make fuzz`, which prints the tally.
"""

import contextlib
import json
import os
import tempfile
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Sum
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from opportunities.matching import tasks
from opportunities.models import TradeDataset, TradeFlow
from tests.reference_data import data_dir
from tests.trade.trade_files import HS6, PARTNERS

pytestmark = pytest.mark.django_db
EXAMPLES = int(os.environ.get("FETCH_EXAMPLES", os.environ.get("FUZZ_EXAMPLES", "60")))
EXAMPLES = min(EXAMPLES, 2000)  # each answer is a real HTTP fetch and import
RANDOM = "FUZZ_EXAMPLES" in os.environ
SEEN: Counter = Counter()
MEGABYTE = "x" * (1 << 20)
TIMEOUT = 0.5  # seconds per answer in these fetches

# fault -> (expected outcome: None for an import, else words of the refusal)
FAULTS = {
    "none": None,
    "latin-1 declared": None,
    "slow within the timeout": None,
    "500 once": None,
    "429 once": None,
    "truncated JSON": ("not valid JSON",),
    "empty body": ("not valid JSON",),
    "latin-1 undeclared": ("not valid JSON",),
    "wrong shape": ("response shape changed",),
    "missing field": ("response shape changed",),
    "wrong type": ("record 1",),
    "huge field": ("record 1", "longer than"),
    "huge number": ("record 1", "out of range"),
    "HTTP 4xx": ("answered HTTP",),
    "500 always": ("could not be reached after 2 tries",),
    "slow beyond the timeout": ("could not be reached after 2 tries",),
    "dropped connection": ("could not be reached after 2 tries",),
    "unknown country": ("line 2", "unknown country code"),
    "unknown HS code": ("line 2", "unknown HS code"),
    "duplicate record": ("repeats line",),
}


class Answer:
    """What the loopback server says to each request, in turn: (status, bytes, headers, delay)."""

    def __init__(self):
        self.queue: list[tuple] = []
        self.last: tuple = (200, b"{}", {}, 0.0)
        self.lock = threading.Lock()

    def next(self) -> tuple:
        with self.lock:
            return self.queue.pop(0) if self.queue else self.last


@pytest.fixture(scope="module")
def server():
    answer = Answer()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            status, body, headers, delay = answer.next()
            time.sleep(delay)
            self.send_response(status)
            headers = {"Content-Type": "application/json", **headers}
            headers.setdefault("Content-Length", str(len(body)))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            with contextlib.suppress(OSError):  # the client gave up (timeout)
                self.wfile.write(body)
            if "Connection" in headers:
                self.close_connection = True

        def log_message(self, *args):
            pass

    http = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=http.serve_forever, daemon=True)
    thread.start()
    yield answer, f"http://127.0.0.1:{http.server_port}"
    http.shutdown()
    http.server_close()


@pytest.fixture
def reference(settings, monkeypatch):
    settings.TRADEPORTAL_DATA_DIR = data_dir()
    for command in ("import_hs", "import_regions"):
        call_command(command, stdout=StringIO())
    monkeypatch.setattr(tasks.regenerate_demand, "delay", lambda: None)
    with translation.override("en"):
        yield


def datamexico_records(draw) -> list[dict]:
    pairs = draw(
        st.lists(
            st.tuples(st.sampled_from(HS6), st.sampled_from(PARTNERS)),
            min_size=1,
            max_size=5,
            unique=True,
        )
    )
    return [
        {
            "Month ID": 202412,
            "Month": "2024-12",
            "State ID": 9,
            "State": "Ciudad de México",
            "HS6 ID": int("16" + hs),
            "HS6": "Uvas frescas, café",
            "Flow ID": 1,
            "Flow": "Imports",
            "Country ID": partner,
            "Country": name,
            "Trade Value": 1000 + index,
        }
        for index, (hs, (partner, name, _number)) in enumerate(pairs)
    ]


def comtrade_records(draw) -> list[dict]:
    pairs = draw(
        st.lists(
            st.tuples(st.sampled_from(HS6), st.sampled_from(["W00", "MEX", "USA"])),
            min_size=1,
            max_size=5,
            unique=True,
        )
    )
    return [
        {
            "refYear": 2024,
            "period": "2024",
            "reporterISO": "PER",
            "partnerISO": partner,
            "flowCode": "M",
            "cmdCode": hs,
            "cmdDesc": "Uvas frescas, café",
            "primaryValue": 5000 + index,
            "qty": draw(st.sampled_from([None, 12.5, 300])),
            "qtyUnitAbbr": draw(st.sampled_from([None, "kg"])),
        }
        for index, (hs, partner) in enumerate(pairs)
    ]


SHAPES = {
    "datamexico": {"value": "Trade Value", "text": "Country", "country": "Country ID"},
    "comtrade": {"value": "primaryValue", "text": "cmdCode", "country": "partnerISO"},
}


@st.composite
def answers(draw, source: str):
    """(fault, answers the server gives in turn, the records a correct import holds)."""
    records = (datamexico_records if source == "datamexico" else comtrade_records)(draw)
    fault = draw(st.sampled_from(sorted(FAULTS)))
    shape = SHAPES[source]
    first = records[0]
    if fault == "wrong type":
        if draw(st.booleans()):
            bad = st.sampled_from(["abc", "1,234", "NaN", None, True, [], {}])
            first[shape["value"]] = draw(bad)
        else:
            first[shape["text"]] = draw(st.sampled_from([604, 2.5, None, False, ["x"], {}]))
    elif fault == "huge field":
        first[shape["text"]] = MEGABYTE
    elif fault == "huge number":
        first[shape["value"]] = draw(st.sampled_from([10**30, -5, 1e300]))
    elif fault == "missing field":
        optional = {"qty", "qtyUnitAbbr", "cmdDesc"}
        del first[draw(st.sampled_from(sorted(k for k in first if k not in optional)))]
    elif fault == "unknown country":
        first[shape["country"]] = "zzz" if source == "datamexico" else "ZZZ"
    elif fault == "unknown HS code":
        if source == "datamexico":
            first["HS6 ID"] = 16999999
        else:
            first["cmdCode"] = "999999"
    elif fault == "duplicate record":
        records.append(dict(first))
    body = {"data": records, "source": []} if source == "datamexico" else {"data": records}
    payload = json.dumps(body, ensure_ascii=False).encode()
    latin1 = json.dumps(body, ensure_ascii=False).encode("latin-1")
    ok = (200, payload, {}, 0.0)
    served = {
        "none": [ok],
        "latin-1 declared": [
            (
                200,
                latin1,
                {"Content-Type": "application/json; charset=iso-8859-1"},
                0.0,
            )
        ],
        "latin-1 undeclared": [
            (200, json.dumps(body, ensure_ascii=False).encode("latin-1"), {}, 0)
        ],
        "slow within the timeout": [(200, payload, {}, TIMEOUT / 5)],
        "500 once": [(500, b'{"error": "internal"}', {}, 0), ok],
        "429 once": [(429, b"slow down", {}, 0), ok],
        "truncated JSON": [(200, payload[: draw(st.integers(0, len(payload) - 1))], {}, 0)],
        "empty body": [(200, b"", {}, 0)],
        "wrong shape": [
            (
                200,
                json.dumps(
                    draw(st.sampled_from([[], {"rows": records}, {"data": {}}, {"data": [1, 2]}]))
                ).encode(),
                {},
                0,
            )
        ],
        "HTTP 4xx": [(draw(st.sampled_from([400, 401, 403, 404])), b"\xe9chec", {}, 0)],
        "500 always": [(503, b"down", {}, 0)] * 2,
        "slow beyond the timeout": [(200, payload, {}, TIMEOUT * 3)] * 2,
        "dropped connection": [
            (200, payload[:10], {"Content-Length": str(len(payload)), "Connection": "close"}, 0)
        ]
        * 2,
    }.get(fault, [ok])
    if fault == "duplicate record":
        records.pop()
    return fault, served, records


def fetch(source: str, url: str, folder: Path) -> None:
    common = ["--year", "2024", "--download-dir", str(folder), "--retries", "2"]
    common += ["--max-wait", "0.01", "--rate", "1000", "--timeout", str(TIMEOUT)]
    if source == "datamexico":
        args = ["--months", "12", "--state", "9", "--flow", "imports", "--concurrency", "1"]
    else:
        args = ["--reporter", "PER", "--flow", "imports"]
    call_command("fetch_trade", source, *common, *args, "--api-url", url, stdout=StringIO())


def assert_fetch(source, fault, records, url, folder):
    expected = FAULTS[fault]
    with transaction.atomic():
        try:
            fetch(source, url, folder)
            outcome = None
        except CommandError as refused:
            outcome = str(refused)
        if expected is None:
            assert outcome is None, (fault, outcome)
            dataset = TradeDataset.objects.get()
            value = SHAPES[source]["value"]
            assert dataset.rows == len(records), fault
            total = TradeFlow.objects.aggregate(total=Sum("value_usd"))["total"]
            assert total == sum(r[value] for r in records), fault
        else:
            assert outcome is not None, f"{fault}: imported"
            name = "DataMéxico" if source == "datamexico" else "UN Comtrade"
            part = "state 9, month 2024-12" if source == "datamexico" else "reporter PER"
            named = "rejected" in outcome and ".csv, line" in outcome
            assert named or (outcome.startswith(f"{name}, ") and part in outcome), (fault, outcome)
            assert all(word in outcome for word in expected), (fault, outcome)
            assert len(outcome) < 600, fault  # a 1 MB field is not quoted whole
            assert not TradeFlow.objects.exists() and not TradeDataset.objects.exists()
            assert not list((folder / source).glob("*.csv")), fault  # nothing left to skip
            SEEN[source, fault, outcome.split(". Nothing")[0][-80:]] += 1
        transaction.set_rollback(True)


@pytest.mark.parametrize("source", ["datamexico", "comtrade"])
def test_a_fetch_never_crashes_and_refuses_a_bad_answer_naming_what_and_why(
    reference, server, source, monkeypatch
):
    monkeypatch.setenv("COMTRADE_API_KEY", "test-key")
    answer, url = server

    @settings(
        max_examples=EXAMPLES,
        derandomize=not RANDOM,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(answers(source))
    def check(generated):
        fault, served, records = generated
        answer.queue[:] = list(served)
        answer.last = served[-1]
        with tempfile.TemporaryDirectory() as folder:
            assert_fetch(source, fault, records, f"{url}/{source}", Path(folder))

    check()
    if RANDOM:
        print(f"\n{source}: {EXAMPLES} answers; refusals seen:")
        for (seen_source, fault, reason), count in sorted(SEEN.items()):
            if seen_source == source:
                print(f"  {count:5} {fault}: {reason}")
