from .conversation import AbuseReport, Message, Thread, ThreadRead
from .matching import (
    Interest,
    IntroductionOutcome,
    Match,
    MatchingChunk,
    MatchingRun,
    MatchingSettings,
    ValueBand,
)
from .opportunity import Incoterm, Opportunity
from .outbox import InstantBatch, InstantNotice, OutboxEmail
from .quotes import Currency, Quote
from .reference import HSCode, HSSection, Sector, SectorCode
from .trade import Flow, TradeDataset, TradeFlow, TradeUpload

__all__ = [
    "AbuseReport",
    "Currency",
    "Flow",
    "HSCode",
    "HSSection",
    "Incoterm",
    "InstantBatch",
    "InstantNotice",
    "Interest",
    "IntroductionOutcome",
    "Match",
    "MatchingChunk",
    "MatchingRun",
    "MatchingSettings",
    "Message",
    "Opportunity",
    "OutboxEmail",
    "Quote",
    "Sector",
    "SectorCode",
    "Thread",
    "ThreadRead",
    "TradeDataset",
    "TradeFlow",
    "TradeUpload",
    "ValueBand",
]
