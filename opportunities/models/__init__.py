"""Every model of the opportunities app, for Django and for the interfaces and tests.

Code in a layer package imports its models from the layer's own `models` module
(`opportunities.reference.models`, ...), never from here: this module sits in the interface layer.
"""

from opportunities.listings.models import Incoterm, Opportunity
from opportunities.matching.models import (
    AbuseReport,
    Currency,
    Interest,
    IntroductionOutcome,
    Match,
    MatchesToAnnounce,
    MatchingChunk,
    MatchingRun,
    MatchingSettings,
    Message,
    Quote,
    Thread,
    ThreadRead,
    ValueBand,
)
from opportunities.notifications.models import InstantBatch, InstantNotice
from opportunities.reference.guide.models import GuideFact
from opportunities.reference.models import HSCode, HSSection, Sector, SectorCode, TradeName
from opportunities.trade.models import Flow, TradeDataset, TradeFlow, TradeUpload
from opportunities.trade.productspace.models import CountryProduct, ProductProximity, ProductSpace

__all__ = [
    "AbuseReport",
    "CountryProduct",
    "Currency",
    "Flow",
    "GuideFact",
    "HSCode",
    "HSSection",
    "Incoterm",
    "InstantBatch",
    "InstantNotice",
    "Interest",
    "IntroductionOutcome",
    "Match",
    "MatchesToAnnounce",
    "MatchingChunk",
    "MatchingRun",
    "MatchingSettings",
    "Message",
    "Opportunity",
    "ProductProximity",
    "ProductSpace",
    "Quote",
    "Sector",
    "SectorCode",
    "Thread",
    "ThreadRead",
    "TradeDataset",
    "TradeFlow",
    "TradeName",
    "TradeUpload",
    "ValueBand",
]
