import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand

from opportunities.matching.services import import_trade_file
from opportunities.models import HSCode, TradeDataset
from opportunities.trade.synthetic import demo_rows, write_baci

DEMO_NAME = "Mexico-Peru-World demo (synthetic), BACI format"


class Command(BaseCommand):
    help = (
        "Generate a seeded synthetic Mexico-Peru-World trade file in BACI format and load it as "
        "'demo (synthetic)' data. Re-running replaces it. For real data see the README."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2025)

    def handle(self, *args, **options):
        codes = list(HSCode.objects.filter(level=6).values_list("code", flat=True))
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "demo_baci.csv"
            written = write_baci(path, demo_rows(codes, seed=options["seed"]))
            self.stdout.write(f"generated {written:,} synthetic rows")
            import_trade_file(
                path=path,
                fmt="baci",
                name=DEMO_NAME,
                version=f"seed {options['seed']}",
                source=TradeDataset.Source.DEMO,
                is_synthetic=True,
                progress=self.stdout.write,
            )
