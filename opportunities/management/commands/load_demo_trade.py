import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from opportunities.matching.services import import_trade_file
from opportunities.models import HSCode, TradeDataset
from opportunities.trade.importing import WORLD_CHAPTERS_FILE
from opportunities.trade.synthetic import demo_rows, read_world_chapters, write_comtrade
from tradeportal.importing import ImportRejected

DEMO_NAME = "Mexico-Peru-World demo (synthetic), calibrated on CEPII BACI via OEC 2024"


class Command(BaseCommand):
    help = (
        "Generate a seeded synthetic Mexico-Peru-World trade file (imports by supplier 2020-2024, "
        "exports 2024, by HS6) whose chapters add up to the real 2024 totals (CEPII BACI via OEC), "
        "and load it as 'demo (synthetic)' data. Re-running replaces it. For real data see the "
        "README."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2025)

    def handle(self, *args, **options):
        chapters = Path(settings.TRADEPORTAL_DATA_DIR) / WORLD_CHAPTERS_FILE
        if not chapters.is_file():
            raise CommandError(f"{chapters} not found: set TRADEPORTAL_DATA_DIR")
        codes = list(HSCode.objects.filter(level=6).values_list("code", flat=True))
        if not codes:
            raise CommandError("load the HS nomenclature first (load_reference_data)")
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "demo_comtrade.csv"
            rows = demo_rows(codes, read_world_chapters(chapters), seed=options["seed"])
            written = write_comtrade(path, rows)
            self.stdout.write(f"generated {written:,} synthetic rows")
            try:
                import_trade_file(
                    path=path,
                    fmt="comtrade",
                    name=DEMO_NAME,
                    version=f"seed {options['seed']}",
                    source=TradeDataset.Source.DEMO,
                    is_synthetic=True,
                    progress=self.stdout.write,
                    provenance={"coverage": {"calibrated_on": "baci_oec", "level": 6}},
                )
            except ImportRejected as exc:
                raise CommandError(f"rejected, nothing was written: {exc}") from exc
