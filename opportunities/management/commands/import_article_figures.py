from opportunities.management.commands._base import DataCommand
from opportunities.trade.article import import_article_figures


class Command(DataCommand):
    help = (
        "Load the article's headline figures (seed/) "
        "from the reference data directory (idempotent)."
    )

    def run(self, data_dir, options):
        import_article_figures(data_dir, progress=self.progress)
