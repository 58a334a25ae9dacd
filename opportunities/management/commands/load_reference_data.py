from opportunities.management.commands._base import DataCommand
from opportunities.matching import tasks
from opportunities.reference.importers import import_hs, import_regions, import_sectors
from opportunities.trade.article import import_article_figures
from opportunities.trade.importing import import_trade_file


class Command(DataCommand):
    help = (
        "Load all reference data: HS 2022, regions, sectors, the article's figures and the "
        "DataMéxico state files. Safe to re-run: nothing is duplicated."
    )

    def run(self, data_dir, options):
        import_hs(data_dir, progress=self.progress)
        import_regions(data_dir, progress=self.progress)
        import_sectors(data_dir, progress=self.progress)
        import_article_figures(data_dir, progress=self.progress)
        for path in sorted((data_dir / "datamexico").glob("state*.csv")):
            import_trade_file(path=path, fmt="datamexico", progress=self.progress)
        counts = tasks.regenerate_demand.delay().get()
        self.progress(f"Market demand: {counts}")
