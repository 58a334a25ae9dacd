from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tradeportal import backups


class Command(BaseCommand):
    help = (
        "Restore the database and the media folder from a backup (the .dump file; its "
        "-media.tar.gz beside it). Replaces what the database and the media folder hold."
    )

    def add_arguments(self, parser):
        parser.add_argument("dump", type=Path)

    def handle(self, *args, **options):
        try:
            backup = backups.restore(dump=options["dump"])
        except backups.BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"restored {backup.dump} and {backup.media}")
