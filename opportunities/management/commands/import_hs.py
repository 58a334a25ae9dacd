from opportunities.management.commands._base import DataCommand
from opportunities.reference.importers import import_hs


class Command(DataCommand):
    help = (
        "Load the HS 2022 nomenclature (sections, chapters, headings, subheadings) "
        "from the reference data directory (idempotent)."
    )

    def run(self, data_dir, options):
        import_hs(data_dir, progress=self.progress)
