from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from opportunities.reference.guide.seed import FACTS_FILE, load_guide_facts


class Command(BaseCommand):
    help = (
        "Seed the exporter's guide from opportunities/reference/guide/facts.toml: creates "
        "missing facts and keeps the ones staff edited in the admin (--overwrite replaces them). "
        "Safe to re-run."
    )

    def add_arguments(self, parser):
        parser.add_argument("--overwrite", action="store_true", help="Replace edited facts too.")
        parser.add_argument("--file", type=Path, default=FACTS_FILE, help="Another facts file.")

    def handle(self, *args, **options):
        try:
            report = load_guide_facts(path=options["file"], overwrite=options["overwrite"])
        except (ValidationError, OSError) as error:
            raise CommandError(f"rejected, nothing was written: {_message(error)}") from error
        self.stdout.write(
            f"exporter's guide: {report.created} facts created, {report.updated} replaced, "
            f"{report.kept} kept as staff left them"
        )


def _message(error: Exception) -> str:
    return " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
