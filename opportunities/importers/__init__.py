"""Importers of reference data (HS, regions, sectors) and trade statistics (three formats).

Every import runs in one transaction: a bad row rejects the whole file with its line number and
nothing is written. Re-running an import changes nothing it already holds.
"""

from .common import ImportRejected
from .reference import import_article_figures, import_hs, import_regions, import_sectors
from .trade import FORMATS, import_trade_file, import_world_chapters

__all__ = [
    "FORMATS",
    "ImportRejected",
    "import_article_figures",
    "import_hs",
    "import_regions",
    "import_sectors",
    "import_trade_file",
    "import_world_chapters",
]
