"""What the data commands share: the data directory option and clear rejections."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from tradeportal.importing import ImportRejected


class DataCommand(BaseCommand):
    """A command that reads reference data from TRADEPORTAL_DATA_DIR (or --data-dir)."""

    def add_arguments(self, parser):
        parser.add_argument(
            "--data-dir",
            type=Path,
            default=None,
            help="Directory of the reference data (default: settings.TRADEPORTAL_DATA_DIR).",
        )

    def data_dir(self, options) -> Path:
        path = Path(options["data_dir"] or settings.TRADEPORTAL_DATA_DIR)
        if not path.is_dir():
            raise CommandError(f"data directory not found: {path} (set TRADEPORTAL_DATA_DIR)")
        return path

    def progress(self, message: str) -> None:
        self.stdout.write(message)

    def handle(self, *args, **options):
        try:
            self.run(self.data_dir(options), options)
        except ImportRejected as exc:
            raise CommandError(f"rejected, nothing was written: {exc}") from exc

    def run(self, data_dir: Path, options) -> None:
        raise NotImplementedError
