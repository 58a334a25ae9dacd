from opportunities.management.commands._base import DataCommand
from opportunities.reference.trade_names import import_trade_names


class Command(DataCommand):
    help = (
        "Add the trade names of opportunities/reference/data/trade_names.csv that are not in the "
        "database yet (names staff have already are kept as they are). Run after import_hs."
    )

    def run(self, data_dir, options):
        import_trade_names(progress=self.progress)
