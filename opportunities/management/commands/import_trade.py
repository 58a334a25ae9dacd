from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from opportunities.matching.services import import_trade_file
from opportunities.trade.importing import FORMATS
from tradeportal.importing import ImportRejected


class Command(BaseCommand):
    help = (
        "Import trade statistics (DataMéxico state CSV, CEPII BACI, UN Comtrade CSV). The file is "
        "rejected whole at its first bad row; re-importing a file replaces its rows."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", type=Path)
        parser.add_argument("--format", required=True, choices=FORMATS)
        parser.add_argument("--name", help="Dataset name (default: the file name).")
        parser.add_argument("--dataset-version", default="", help="Source version, e.g. V202501.")

    def handle(self, *args, **options):
        if options["name"] and len(options["files"]) > 1:
            raise CommandError("--name names one file; give one file with it")
        for path in options["files"]:
            try:
                import_trade_file(
                    path=path,
                    fmt=options["format"],
                    name=options["name"],
                    version=options["dataset_version"],
                    progress=self.stdout.write,
                )
            except ImportRejected as exc:
                raise CommandError(f"rejected, nothing was written: {exc}") from exc
