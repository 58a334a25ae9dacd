"""Mexico's foreign trade by state, HS6, partner and month from DataMéxico's Tesseract API.

One query per state, month and flow, paged (`limit`, 0-based `page`; the last page has fewer
than `limit` records):

    GET .../tesseract/data.jsonrecords?cube=economy_foreign_trade_mun
        &drilldowns=Month,State,HS6,Flow,Country&measures=Trade Value
        &Month=202412&State=6&Flow=1&limit=10000&page=0
    -> {"data": [{"Month ID": 202412, "Month": "2024-12", "State ID": 6, "State": "Colima",
                  "HS6 ID": 1030323, "HS6": "...", "Flow ID": 1, "Flow": "Imports",
                  "Country ID": "chn", "Country": "China", "Trade Value": 258316}, ...],
        "source": [...]}

Each state and month becomes one CSV file in the columns of the records (the format of
data/datamexico/ and of `import_trade --format datamexico`), written atomically.
"""

import csv
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path

import httpx
from django.utils import translation
from django.utils.translation import gettext as _

from opportunities.trade.fetchers.http import (
    RETRIED,
    FetchError,
    RateLimiter,
    bad_value,
    client,
    decoded_json,
    get_with_retries,
    write_atomically,
)

API_URL = "https://www.economia.gob.mx/apidatamexico/tesseract/data.jsonrecords"
SITE_URL = "https://www.economia.gob.mx/datamexico"
LICENCE = "DataMéxico (Secretaría de Economía)"
FIELDS = [
    "Month ID",
    "Month",
    "State ID",
    "State",
    "HS6 ID",
    "HS6",
    "Flow ID",
    "Flow",
    "Country ID",
    "Country",
    "Trade Value",
]
NUMBERS = ("Month ID", "State ID", "HS6 ID", "Flow ID", "Trade Value")
TEXTS = tuple(f for f in FIELDS if f not in NUMBERS)
FLOWS = {"imports": "1", "exports": "2"}
STATES = range(1, 33)  # INEGI codes of Mexico's 32 states
PAGE_SIZE = 10_000


@dataclass(frozen=True)
class Part:
    """One state and month (and flows): one file."""

    state: int
    month: int  # YYYYMM
    flows: tuple[str, ...] = ("1", "2")

    @property
    def filename(self) -> str:
        suffix = (
            "" if len(self.flows) == 2 else "_" + ("imports" if self.flows == ("1",) else "exports")
        )
        return f"state{self.state:02d}_{self.month}{suffix}.csv"

    def where(self, page: int | None = None) -> str:
        """ "state 6, month 2024-12, page 0": what an error message names."""
        text = _("state %(state)s, month %(month)s") % {
            "state": self.state,
            "month": f"{self.month // 100}-{self.month % 100:02d}",
        }
        if page is not None:
            text += ", " + _("page %(page)s") % {"page": page}
        return text


@dataclass
class Options:
    api_url: str = API_URL
    page_size: int = PAGE_SIZE
    concurrency: int = 2
    per_second: float = 4.0
    attempts: int = 5
    max_wait: float = 30.0
    timeout: float = 60.0  # seconds for one answer


# on_page(part, page, rows_in_page); on_file(part, rows, skipped)
OnPage = Callable[[Part, int, int], None]
OnFile = Callable[[Part, int, bool], None]


def plan(*, year: int, months: Iterable[int], states: Iterable[int], flows: Iterable[str]):
    """The parts of a fetch, in order."""
    flow_ids = tuple(sorted(FLOWS[f] for f in flows))
    return [Part(state, year * 100 + month, flow_ids) for month in months for state in states]


def fetch(
    parts: list[Part],
    folder: Path,
    *,
    options: Options,
    on_page: OnPage = lambda *a: None,
    on_file: OnFile = lambda *a: None,
) -> list[Path]:
    """Download every part not already complete; return the files of all parts, in order.

    Stops at the first failure with a FetchError naming the state, month and page; the files
    completed so far stay (a new run skips them), the failed one leaves nothing behind.
    """
    stop, language = threading.Event(), translation.get_language()
    limiter = RateLimiter(options.per_second)
    todo = []
    for part in parts:
        if (folder / part.filename).is_file():
            on_file(part, 0, True)
        else:
            todo.append(part)
    workers = max(1, options.concurrency)
    with client(options.timeout) as http, ThreadPoolExecutor(max_workers=workers) as pool:
        futures = [
            pool.submit(
                _fetch_part, http, part, folder, options, limiter, stop, on_page, on_file, language
            )
            for part in todo
        ]
        done, _pending = wait(futures, return_when=FIRST_EXCEPTION)
        failed = [f for f in futures if f in done and f.exception()]
        if failed:
            stop.set()
            for future in futures:
                future.cancel()
            raise failed[0].exception()
    return [folder / part.filename for part in parts]


def _fetch_part(http, part, folder, options, limiter, stop, on_page, on_file, language) -> None:
    if stop.is_set():
        return
    with translation.override(language):  # a worker thread: the caller's language for messages
        _write_part(http, part, folder, options, limiter, stop, on_page, on_file)


def _write_part(http, part, folder, options, limiter, stop, on_page, on_file) -> None:
    rows = 0

    def write(handle) -> None:
        nonlocal rows
        writer = csv.DictWriter(handle, fieldnames=FIELDS, extrasaction="ignore")
        writer.writeheader()
        for flow in part.flows:
            page = 0
            while True:
                if stop.is_set():
                    raise FetchError(_("%(where)s: stopped") % {"where": part.where(page)})
                records = _page(http, part, flow, page, options, limiter)
                writer.writerows(records)
                rows += len(records)
                on_page(part, page, len(records))
                if len(records) < options.page_size:
                    break
                page += 1
        if rows == 0:
            raise FetchError(
                _("%(where)s: DataMéxico returned no records (an empty month)")
                % {"where": part.where(0)}
            )

    write_atomically(folder / part.filename, write)
    on_file(part, rows, False)


def _page(http, part: Part, flow: str, page: int, options: Options, limiter) -> list[dict]:
    params = {
        "cube": "economy_foreign_trade_mun",
        "drilldowns": "Month,State,HS6,Flow,Country",
        "measures": "Trade Value",
        "Month": str(part.month),
        "State": str(part.state),
        "Flow": flow,
        "limit": str(options.page_size),
        "page": str(page),
    }
    where = part.where(page)
    try:
        response = get_with_retries(
            http,
            options.api_url,
            params,
            limiter=limiter,
            attempts=options.attempts,
            max_wait=options.max_wait,
        )
    except RETRIED as exc:
        raise FetchError(
            _("%(where)s: DataMéxico could not be reached after %(n)s tries (%(error)s)")
            % {"where": where, "n": options.attempts, "error": exc or type(exc).__name__}
        ) from exc
    if response.status_code >= 400:
        raise FetchError(
            _("%(where)s: DataMéxico answered HTTP %(status)s: %(text)s")
            % {"where": where, "status": response.status_code, "text": response.text[:200]}
        )
    return _records(response, where)


def _records(response: httpx.Response, where: str) -> list[dict]:
    try:
        body = decoded_json(response)
    except ValueError as exc:
        raise FetchError(
            _("%(where)s: the answer is not valid JSON (%(error)s)")
            % {"where": where, "error": exc}
        ) from exc
    data = body.get("data") if isinstance(body, dict) else None
    if not isinstance(data, list):
        raise FetchError(
            _("%(where)s: the response shape changed (no 'data' list)") % {"where": where}
        )
    for number, record in enumerate(data, start=1):
        missing = [f for f in FIELDS if not isinstance(record, dict) or f not in record]
        if missing:
            raise FetchError(
                _("%(where)s: the response shape changed (missing %(fields)s)")
                % {"where": where, "fields": ", ".join(missing)}
            )
        if reason := bad_value(record, numbers=NUMBERS, texts=TEXTS):
            raise FetchError(
                _("%(where)s: DataMéxico's record %(n)s: %(reason)s")
                % {"where": where, "n": number, "reason": reason}
            )
    return data
