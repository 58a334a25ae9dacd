"""A country's trade by HS6 with the world and its partner, for a year, from the UN Comtrade API.

With a key (COMTRADE_API_KEY, free at https://comtradeplus.un.org) the data endpoint, otherwise
the public preview endpoint, which answers at most 500 records a query (a sample, not a year):

    GET https://comtradeapi.un.org/data/v1/get/C/A/HS?reporterCode=604&period=2024
        &partnerCode=0,484&flowCode=M&cmdCode=AG6   (header Ocp-Apim-Subscription-Key)
    -> {"count": 2, "data": [{"refYear": 2024, "period": "2024", "reporterISO": "PER",
        "partnerISO": "W00", "flowCode": "M", "cmdCode": "080610", "primaryValue": 1.2e6,
        "qty": 300.0, "qtyUnitAbbr": "kg", ...}], "error": ""}

One file per reporter, year and flow, in the columns `import_trade --format comtrade` reads.
"""

import csv
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import pycountry
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

DATA_URL = "https://comtradeapi.un.org/data/v1/get/C/A/HS"
PREVIEW_URL = "https://comtradeapi.un.org/public/v1/preview/C/A/HS"
SITE_URL = "https://comtradeplus.un.org"
LICENCE = "UN Comtrade terms of use"
PREVIEW_LIMIT = 500
FIELDS = ["refYear", "period", "reporterISO", "partnerISO", "flowCode", "cmdCode", "primaryValue"]
OPTIONAL = ["qty", "qtyUnitAbbr"]
VALUES = {
    "numbers": ("refYear", "primaryValue"),
    "texts": ("reporterISO", "partnerISO", "flowCode", "cmdCode"),
    "optional_numbers": ("qty",),
    "optional_texts": ("qtyUnitAbbr",),
}
FLOWS = {"imports": "M", "exports": "X"}
PARTNER_OF = {"PER": "MEX", "MEX": "PER"}


def api_key() -> str:
    return os.environ.get("COMTRADE_API_KEY", "").strip()


def preview_warning() -> str:
    return _(
        "No COMTRADE_API_KEY: using UN Comtrade's public preview endpoint, which returns at most "
        "%(n)s records per query, so each file holds a sample, not the whole year. Get a free "
        "key at https://comtradeplus.un.org and set COMTRADE_API_KEY for complete data."
    ) % {"n": PREVIEW_LIMIT}


@dataclass(frozen=True)
class Part:
    reporter: str  # alpha-3
    year: int
    flow: str  # M or X

    @property
    def filename(self) -> str:
        return f"comtrade_{self.reporter}_{self.year}_{self.flow}.csv"

    def where(self) -> str:
        return _("reporter %(reporter)s, year %(year)s, flow %(flow)s") % {
            "reporter": self.reporter,
            "year": self.year,
            "flow": self.flow,
        }


@dataclass
class Options:
    api_url: str | None = None
    per_second: float = 1.0
    attempts: int = 5
    max_wait: float = 30.0
    key: str = ""
    timeout: float = 60.0  # seconds for one answer

    @property
    def url(self) -> str:
        return self.api_url or (DATA_URL if self.key else PREVIEW_URL)


def plan(*, year: int, reporter: str, flows: Iterable[str]) -> list[Part]:
    if pycountry.countries.get(alpha_3=reporter) is None:
        raise FetchError(_("unknown reporter %(code)r") % {"code": reporter})
    return [Part(reporter, year, FLOWS[flow]) for flow in flows]


def numeric(alpha3: str) -> str:
    return str(int(pycountry.countries.get(alpha_3=alpha3).numeric))


def fetch(
    parts: list[Part],
    folder: Path,
    *,
    options: Options,
    on_file: Callable = lambda *a: None,
) -> list[Path]:
    """Download every part not already complete; return the files of all parts."""
    limiter = RateLimiter(options.per_second)
    with client(options.timeout) as http:
        for part in parts:
            path = folder / part.filename
            if path.is_file():
                on_file(part, 0, True)
                continue
            records = _records(http, part, options, limiter)
            write_atomically(path, lambda handle, rows=records: _write(handle, rows))
            on_file(part, len(records), False)
    return [folder / part.filename for part in parts]


def _write(handle, records: list[dict]) -> None:
    writer = csv.DictWriter(handle, fieldnames=FIELDS + OPTIONAL, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(records)


def _records(http, part: Part, options: Options, limiter) -> list[dict]:
    partners = ["0"]
    if part.reporter in PARTNER_OF:
        partners.append(numeric(PARTNER_OF[part.reporter]))
    params = {
        "reporterCode": numeric(part.reporter),
        "period": str(part.year),
        "partnerCode": ",".join(partners),
        "flowCode": part.flow,
        "cmdCode": "AG6",
        "includeDesc": "false",
    }
    if options.key:
        http.headers["Ocp-Apim-Subscription-Key"] = options.key
    try:
        response = get_with_retries(
            http,
            options.url,
            params,
            limiter=limiter,
            attempts=options.attempts,
            max_wait=options.max_wait,
        )
    except RETRIED as exc:
        raise FetchError(
            _("%(where)s: UN Comtrade could not be reached after %(n)s tries (%(error)s)")
            % {"where": part.where(), "n": options.attempts, "error": exc or type(exc).__name__}
        ) from exc
    if response.status_code >= 400:
        raise FetchError(
            _("%(where)s: UN Comtrade answered HTTP %(status)s: %(text)s")
            % {"where": part.where(), "status": response.status_code, "text": response.text[:200]}
        )
    return _validated(response, part)


def _validated(response, part: Part) -> list[dict]:
    try:
        body = decoded_json(response)
    except ValueError as exc:
        raise FetchError(
            _("%(where)s: the answer is not valid JSON (%(error)s)")
            % {"where": part.where(), "error": exc}
        ) from exc
    data = body.get("data") if isinstance(body, dict) else None
    if not isinstance(data, list):
        raise FetchError(
            _("%(where)s: the response shape changed (no 'data' list)") % {"where": part.where()}
        )
    if not data:
        raise FetchError(_("%(where)s: UN Comtrade returned no records") % {"where": part.where()})
    for number, record in enumerate(data, start=1):
        missing = [f for f in FIELDS if not isinstance(record, dict) or f not in record]
        if missing:
            raise FetchError(
                _("%(where)s: the response shape changed (missing %(fields)s)")
                % {"where": part.where(), "fields": ", ".join(missing)}
            )
        if reason := bad_value(record, **VALUES):
            raise FetchError(
                _("%(where)s: UN Comtrade's record %(n)s: %(reason)s")
                % {"where": part.where(), "n": number, "reason": reason}
            )
    return data
