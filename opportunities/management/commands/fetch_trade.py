"""manage.py fetch_trade datamexico --year 2024 [--months 1-12] [--state N] [--flow imports|exports]
manage.py fetch_trade comtrade --year 2024 [--reporter PER] [--flow imports|exports]

Downloads official trade statistics into a folder (one complete file per part, so an interrupted
fetch resumes), imports them through the atomic importer, then regenerates market demand once.
"""

from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeRemainingColumn
from rich.progress import Progress as Bar

from opportunities.matching import tasks
from opportunities.models import TradeDataset
from opportunities.trade.fetchers import comtrade, datamexico
from opportunities.trade.fetchers.http import FetchError
from opportunities.trade.importing import import_trade_file
from tradeportal.importing import ImportRejected


def month_range(text: str) -> list[int]:
    """ "1-12", "3" or "1,2,6" -> months."""
    months: set[int] = set()
    try:
        for piece in text.split(","):
            first, _sep, last = piece.partition("-")
            months.update(range(int(first), int(last or first) + 1))
    except ValueError:
        raise CommandError(f"--months: expected e.g. 1-12 or 3 or 1,2,6, not {text!r}") from None
    if not months or min(months) < 1 or max(months) > 12:
        raise CommandError(f"--months: months go from 1 to 12, not {text!r}")
    return sorted(months)


def state_list(text: str) -> list[int]:
    """ "6" or "3,6" -> INEGI state codes."""
    try:
        states = sorted({int(piece) for piece in text.split(",")})
    except ValueError:
        raise CommandError(f"--state: expected a state code 1-32 or a list, not {text!r}") from None
    if min(states) < 1 or max(states) > 32:
        raise CommandError(f"--state: Mexico's states go from 1 to 32, not {text!r}")
    return states


class Progress:
    """A progress bar (files, pages, rows, ETA) on a terminal; plain log lines otherwise."""

    def __init__(self, stdout, total: int, label: str):
        self.stdout, self.rows, self.pages, self.bar = stdout, 0, 0, None
        if stdout.isatty():
            self.bar = Bar(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("{task.fields[pages]} pages, {task.fields[rows]:,} rows"),
                TimeRemainingColumn(),
                console=Console(file=stdout._out),
            )
            self.task = self.bar.add_task(label, total=total, pages=0, rows=0)
            self.bar.start()

    def page(self, part, page: int, rows: int) -> None:
        self.pages, self.rows = self.pages + 1, self.rows + rows
        if self.bar:
            self.bar.update(self.task, pages=self.pages, rows=self.rows)

    def file(self, part, rows: int, skipped: bool) -> None:
        if self.bar:
            self.bar.advance(self.task)
        elif skipped:
            self.stdout.write(f"{part.filename}: already complete, skipped")
        else:
            self.stdout.write(f"{part.filename}: {rows:,} rows")

    def close(self) -> None:
        if self.bar:
            self.bar.stop()


class Command(BaseCommand):
    help = (
        "Download official trade statistics (DataMéxico by state and month; UN Comtrade for "
        "Peru), import them atomically and regenerate market demand once. Resumes an "
        "interrupted fetch: complete files are skipped."
    )

    def add_arguments(self, parser):
        sources = parser.add_subparsers(dest="source", required=True)
        mx = sources.add_parser("datamexico", help="Mexico by state, HS6, partner and month")
        mx.add_argument("--year", type=int, required=True)
        mx.add_argument("--months", default="1-12", help="e.g. 1-12 (default), 3, 1,2,6")
        mx.add_argument("--state", help="INEGI state code N (1-32), or several: 3,6 (default all)")
        mx.add_argument("--flow", choices=list(datamexico.FLOWS))
        mx.add_argument("--api-url", default=datamexico.API_URL)
        mx.add_argument("--page-size", type=int, default=datamexico.PAGE_SIZE)
        mx.add_argument("--concurrency", type=int, default=2, help="requests at once (2)")
        mx.add_argument("--rate", type=float, default=4.0, help="requests per second at most (4)")
        pe = sources.add_parser("comtrade", help="Peru (or --reporter) by HS6, World and Mexico")
        pe.add_argument("--year", type=int, required=True)
        pe.add_argument("--reporter", default="PER")
        pe.add_argument("--flow", choices=list(comtrade.FLOWS))
        pe.add_argument("--api-url", default=None, help="default: the keyed or preview endpoint")
        pe.add_argument("--rate", type=float, default=1.0, help="requests per second at most (1)")
        for sub in (mx, pe):
            sub.add_argument(
                "--download-dir",
                type=Path,
                default=None,
                help="where files are written (default: TRADE_DOWNLOAD_DIR, under the data dir)",
            )
            sub.add_argument("--retries", type=int, default=5, help="tries per request (5)")
            sub.add_argument("--max-wait", type=float, default=30.0, help="longest backoff, s")
            sub.add_argument("--timeout", type=float, default=60.0, help="seconds per answer")

    def handle(self, *args, **options):
        folder = Path(options["download_dir"] or settings.TRADE_DOWNLOAD_DIR) / options["source"]
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise CommandError(f"cannot write to {folder} ({exc}); pass --download-dir") from exc
        try:
            if options["source"] == "datamexico":
                files, provenance = self.fetch_datamexico(folder, options)
            else:
                files, provenance = self.fetch_comtrade(folder, options)
        except FetchError as exc:
            source = "DataMéxico" if options["source"] == "datamexico" else "UN Comtrade"
            raise CommandError(
                f"{source}, {exc}. Nothing of it was imported; the files already complete are "
                f"kept in {folder} and a new run resumes from them."
            ) from exc
        self.import_files(files, options["source"], provenance)

    def fetch_datamexico(self, folder: Path, options):
        parts = datamexico.plan(
            year=options["year"],
            months=month_range(options["months"]),
            states=state_list(options["state"]) if options["state"] else datamexico.STATES,
            flows=[options["flow"]] if options["flow"] else list(datamexico.FLOWS),
        )
        fetch_options = datamexico.Options(
            api_url=options["api_url"],
            page_size=options["page_size"],
            concurrency=options["concurrency"],
            per_second=options["rate"],
            attempts=options["retries"],
            max_wait=options["max_wait"],
            timeout=options["timeout"],
        )
        progress = Progress(self.stdout, len(parts), f"DataMéxico {options['year']}")
        try:
            files = datamexico.fetch(
                parts, folder, options=fetch_options, on_page=progress.page, on_file=progress.file
            )
        finally:
            progress.close()
        return files, {
            "source_url": datamexico.SITE_URL,
            "licence": "DataMéxico (Secretaría de Economía)",
        }

    def fetch_comtrade(self, folder: Path, options):
        fetch_options = comtrade.Options(
            api_url=options["api_url"],
            per_second=options["rate"],
            attempts=options["retries"],
            max_wait=options["max_wait"],
            key=comtrade.api_key(),
            timeout=options["timeout"],
        )
        if not fetch_options.key:
            self.stderr.write(comtrade.preview_warning())
        parts = comtrade.plan(
            year=options["year"],
            reporter=options["reporter"],
            flows=[options["flow"]] if options["flow"] else list(comtrade.FLOWS),
        )
        progress = Progress(self.stdout, len(parts), f"UN Comtrade {options['year']}")
        try:
            files = comtrade.fetch(parts, folder, options=fetch_options, on_file=progress.file)
        finally:
            progress.close()
        return files, {"source_url": comtrade.SITE_URL, "licence": comtrade.LICENCE}

    def import_files(self, files: list[Path], source: str, provenance: dict) -> None:
        fmt = "datamexico" if source == "datamexico" else "comtrade"
        for path in files:
            fetched = datetime.fromtimestamp(path.stat().st_mtime, tz=UTC)
            try:
                import_trade_file(
                    path=path,
                    fmt=fmt,
                    source=TradeDataset.Source.DATAMEXICO if fmt == "datamexico" else None,
                    progress=self.stdout.write,
                    provenance={**provenance, "fetched_at": fetched},
                )
            except ImportRejected as exc:
                # set aside, so that a new run fetches it again instead of skipping it
                aside = path.with_name(f"{path.name}.rejected")
                path.replace(aside)
                raise CommandError(
                    f"rejected, nothing of that file was written: {exc} (kept as {aside.name}; "
                    f"a new run fetches it again)"
                ) from exc
        tasks.regenerate_demand.delay()
        self.stdout.write(
            self.style.SUCCESS(f"{len(files)} files imported; market demand is being regenerated")
        )
