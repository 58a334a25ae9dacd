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
from opportunities.reference.models import HSCode, HSSection, Sector, SectorCode
from opportunities.trade.models import Flow, TradeDataset, TradeFlow, TradeUpload

__all__ = [
    "Flow",
    "HSCode",
    "HSSection",
    "Incoterm",
    "Interest",
    "Match",
    "MatchingChunk",
    "MatchingRun",
    "MatchingSettings",
    "Opportunity",
    "Sector",
    "SectorCode",
    "TradeDataset",
    "TradeFlow",
    "TradeUpload",
]
