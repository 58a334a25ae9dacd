from opportunities.management.commands._base import DataCommand
from opportunities.reference.importers import import_sectors


class Command(DataCommand):
    help = (
        "Load the starting sector taxonomy and its HS headings "
        "from the reference data directory (idempotent)."
    )

    def run(self, data_dir, options):
        import_sectors(data_dir, progress=self.progress)
