from opportunities.management.commands._base import DataCommand
from opportunities.reference.importers import import_regions


class Command(DataCommand):
    help = "Load Mexico's states and Peru's regions from the reference data directory (idempotent)."

    def run(self, data_dir, options):
        import_regions(data_dir, progress=self.progress)
