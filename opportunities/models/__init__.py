from .matching import Interest, Match, MatchingChunk, MatchingRun, MatchingSettings
from .opportunity import Incoterm, Opportunity
from .outbox import OutboxEmail
from .reference import HSCode, HSSection, Sector, SectorCode, TradeName
from .trade import Flow, TradeDataset, TradeFlow, TradeUpload

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
    "OutboxEmail",
    "Sector",
    "SectorCode",
    "TradeDataset",
    "TradeFlow",
    "TradeName",
    "TradeUpload",
]
