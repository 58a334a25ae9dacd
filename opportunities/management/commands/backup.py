from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tradeportal import backups


class Command(BaseCommand):
    help = (
        "Back up the database (pg_dump custom format) and the media folder into a directory: "
        "tradeportal-<UTC time>.dump and tradeportal-<UTC time>-media.tar.gz."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dir", type=Path, default=Path("backups"))

    def handle(self, *args, **options):
        try:
            backup = backups.back_up(directory=options["dir"])
        except backups.BackupError as exc:
            raise CommandError(str(exc)) from exc
        for path in (backup.dump, backup.media):
            self.stdout.write(f"{path} ({path.stat().st_size:,} bytes)")
