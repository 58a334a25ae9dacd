"""Every model of the opportunities app, for Django and for the interfaces and tests.

Code in a layer package imports its models from the layer's own `models` module
(`opportunities.reference.models`, ...), never from here: this module sits in the interface layer.
"""

from opportunities.listings.models import Incoterm, Opportunity
from opportunities.matching.models import (
    Interest,
    Match,
    MatchingChunk,
    MatchingRun,
    MatchingSettings,
)
from opportunities.reference.guide.models import GuideFact
from opportunities.reference.models import HSCode, HSSection, Sector, SectorCode, TradeName
from opportunities.trade.models import Flow, TradeDataset, TradeFlow, TradeUpload
from opportunities.trade.productspace.models import CountryProduct, ProductProximity, ProductSpace

__all__ = [
    "CountryProduct",
    "Flow",
    "GuideFact",
    "HSCode",
    "HSSection",
    "Incoterm",
    "Interest",
    "Match",
    "MatchingChunk",
    "MatchingRun",
    "MatchingSettings",
    "Opportunity",
    "ProductProximity",
    "ProductSpace",
    "Sector",
    "SectorCode",
    "TradeDataset",
    "TradeFlow",
    "TradeName",
    "TradeUpload",
]
