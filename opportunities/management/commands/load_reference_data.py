from opportunities.management.commands._base import DataCommand
from opportunities.matching import tasks
from opportunities.reference.guide.seed import load_guide_facts
from opportunities.reference.importers import import_hs, import_regions, import_sectors
from opportunities.reference.trade_names import import_trade_names
from opportunities.trade.article import import_article_figures
from opportunities.trade.importing import import_trade_file, import_world_chapters

DATAMEXICO_PROVENANCE = {
    "source_url": "https://www.economia.gob.mx/datamexico",
    "licence": "DataMéxico (Secretaría de Economía)",
}


class Command(DataCommand):
    help = (
        "Load all reference data: HS 2022 and its trade names, regions, sectors, the article's "
        "figures, the DataMéxico state files, the real 2024 trade of every country by HS chapter "
        "(CEPII BACI via OEC) and the exporter's guide. Safe to re-run: nothing is duplicated."
    )

    def run(self, data_dir, options):
        import_hs(data_dir, progress=self.progress)
        import_trade_names(progress=self.progress)
        import_regions(data_dir, progress=self.progress)
        import_sectors(data_dir, progress=self.progress)
        import_article_figures(data_dir, progress=self.progress)
        import_world_chapters(data_dir, progress=self.progress)
        guide = load_guide_facts()
        self.progress(f"Exporter's guide: {guide.created} facts created, {guide.kept} kept")
        for path in sorted((data_dir / "datamexico").glob("state*.csv")):
            import_trade_file(
                path=path,
                fmt="datamexico",
                progress=self.progress,
                provenance=DATAMEXICO_PROVENANCE,
            )
        counts = tasks.regenerate_demand.delay().get()
        self.progress(f"Market demand: {counts}")
