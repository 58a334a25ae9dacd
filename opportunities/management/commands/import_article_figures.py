from opportunities.importers import import_article_figures
from opportunities.management.commands._base import DataCommand


class Command(DataCommand):
    help = (
        "Load the article's headline figures (seed/) "
        "from the reference data directory (idempotent)."
    )

    def run(self, data_dir, options):
        import_article_figures(data_dir, progress=self.progress)
