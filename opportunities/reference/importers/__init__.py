"""Importers of the reference data, one module per dataset: HS 2022 (hs.py), regions
(regions.py), sectors (sectors.py). Each runs in one transaction and is safe to re-run."""

from opportunities.reference.importers.hs import import_hs
from opportunities.reference.importers.regions import import_regions
from opportunities.reference.importers.sectors import import_sectors

__all__ = ["import_hs", "import_regions", "import_sectors"]
