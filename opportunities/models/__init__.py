from .guide import GuideFact
from .matching import Interest, Match, MatchingChunk, MatchingRun, MatchingSettings
from .opportunity import Incoterm, Opportunity
from .outbox import OutboxEmail
from .productspace import CountryProduct, ProductProximity, ProductSpace
from .reference import HSCode, HSSection, Sector, SectorCode
from .trade import Flow, TradeDataset, TradeFlow, TradeUpload

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
    "OutboxEmail",
    "ProductProximity",
    "ProductSpace",
    "Sector",
    "SectorCode",
    "TradeDataset",
    "TradeFlow",
    "TradeUpload",
]
