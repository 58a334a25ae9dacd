"""Hand-made worlds with the order a trade adviser expects, as data: one firm (the one whose list
is read), the candidates around it, and the expected order of some of them (and those that must
never show). Built by `build`, read by `ranked_labels`.

A candidate is an opportunity (`kind` demand, request or curated; a request belongs to a buyer
firm named by `by`) or a counterpart firm (`kind` firm, with `exports` / `imports`). Unnamed
attributes take plain defaults, so that each world differs only in what it is about.
"""

from datetime import timedelta

from django.utils import timezone

from companies.models import Company
from companies.services import set_sectors
from opportunities.models import Match
from tests.factories import (
    CompanyFactory,
    CompanyProductFactory,
    HSCodeFactory,
    OpportunityFactory,
    RegionFactory,
    SectorFactory,
)

REGIONS = {"MX": "MX-CMX", "PE": "PE-LIM"}
PE_GRAPES = {"country": "PE", "exports": ["080610"]}
MX_GRAPE_BUYER = {"country": "MX", "imports": ["080610"]}


def demand(code="080610", **also) -> dict:
    return {"kind": "demand", "code": code, "market": "MX", "value": 1e8, **also}


def firm(**also) -> dict:
    return {"kind": "firm", "country": "MX", **also}


WORLDS = {
    "exact product above the same chapter": (
        PE_GRAPES,
        {"exact": demand("080610"), "chapter": demand("081010")},
        ["exact", "chapter"],
        [],
    ),
    "same heading above the same chapter": (
        PE_GRAPES,
        {"heading": demand("080620"), "chapter": demand("081010")},
        ["heading", "chapter"],
        [],
    ),
    "the bigger market first": (
        PE_GRAPES,
        {"small": demand(value=2e6), "big": demand(value=3e9)},
        ["big", "small"],
        [],
    ),
    "a growing market above a shrinking one of the same size": (
        PE_GRAPES,
        {"shrinking": demand(growth=-12.0), "growing": demand(growth=15.0)},
        ["growing", "shrinking"],
        [],
    ),
    "potential left to Peru above a market Peru already supplies": (
        PE_GRAPES,
        {"saturated": demand(unrealised=0), "open": demand(unrealised=4e7)},
        ["open", "saturated"],
        [],
    ),
    "a request whose certifications the firm holds first": (
        {**PE_GRAPES, "certifications": ["globalgap"]},
        {
            "organic": {"kind": "request", "by": "buyer", "required": ["organic"]},
            "globalgap": {"kind": "request", "by": "buyer2", "required": ["globalgap"]},
            "buyer": firm(),
            "buyer2": firm(),
        },
        ["globalgap", "organic"],
        [],
    ),
    "a fresh opportunity above one published seven months ago": (
        PE_GRAPES,
        {"old": demand(age=210), "new": demand(age=2)},
        ["new", "old"],
        [],
    ),
    "an opportunity of the firm's sector first": (
        {**PE_GRAPES, "sectors": ["agro"]},
        {"other": demand(sector="mining"), "agro": demand(sector="agro")},
        ["agro", "other"],
        [],
    ),
    "never demand in the firm's own country": (
        PE_GRAPES,
        {"home": demand(market="PE", value=5e9), "abroad": demand(value=1e6)},
        ["abroad"],
        ["home"],
    ),
    "never an unverified buyer's request nor an unverified counterpart": (
        PE_GRAPES,
        {
            "unverified": {"kind": "request", "by": "pending"},
            "pending": firm(status="pending", imports=["080610"]),
            "verified": firm(imports=["080610"]),
        },
        ["verified"],
        ["unverified", "pending"],
    ),
    "a heading the firm dismissed ranks below the rest": (
        {**PE_GRAPES, "exports": ["080610", "081010"], "dismissed": "081020"},
        {"dismissed_like": demand("081010", value=3e9), "plain": demand("080610", value=2e8)},
        ["plain", "dismissed_like"],
        [],
    ),
    "a request whose volume the firm can supply above one it cannot": (
        {**PE_GRAPES, "volume": 5e5},
        {
            "too_big": {"kind": "request", "by": "big_buyer", "value": 4e6},
            "fits": {"kind": "request", "by": "small_buyer", "value": 3e5},
            "big_buyer": firm(),
            "small_buyer": firm(),
        },
        ["fits", "too_big"],
        [],
    ),
    "a buyer firm of the same sector first": (
        {**PE_GRAPES, "sectors": ["agro"]},
        {
            "stranger": firm(imports=["080610"], sectors=["mining"]),
            "peer": firm(imports=["080610"], sectors=["agro"]),
        },
        ["peer", "stranger"],
        [],
    ),
    "a buyer able to take a small supplier's volumes above a micro buyer": (
        {**PE_GRAPES, "size": "small"},
        {
            "micro": firm(imports=["080610"], size="micro"),
            "medium": firm(imports=["080610"], size="medium"),
        },
        ["medium", "micro"],
        [],
    ),
    "a buyer active this week above one silent for a year": (
        PE_GRAPES,
        {
            "silent": firm(imports=["080610"], active=365),
            "active": firm(imports=["080610"], active=3),
        },
        ["active", "silent"],
        [],
    ),
    "a buyer with a complete profile above an empty one": (
        PE_GRAPES,
        {
            "empty": firm(imports=["080610"]),
            "complete": firm(
                imports=["080610"],
                description="Importamos fruta para cadenas de supermercados.",
                website="https://example.com",
                city="Monterrey",
                languages=["es", "en"],
                certifications=["haccp"],
                sectors=["agro"],
            ),
        },
        ["complete", "empty"],
        [],
    ),
    "for a buyer, the supplier holding what its requests require first": (
        {**MX_GRAPE_BUYER, "requests": [{"required": ["globalgap"]}]},
        {
            "uncertified": firm(country="PE", exports=["080610"]),
            "certified": firm(country="PE", exports=["080610"], certifications=["globalgap"]),
        },
        ["certified", "uncertified"],
        [],
    ),
    "a buyer and its request on one card": (
        PE_GRAPES,
        {
            "request": {"kind": "request", "by": "buyer"},
            "buyer": firm(imports=["080610"]),
            "other_buyer": firm(imports=["080620"]),
        },
        ["buyer", "other_buyer"],  # the buyer's card carries its request's reasons too
        ["request"],
    ),
    "for a buyer, the supplier of its exact product above one of the heading": (
        MX_GRAPE_BUYER,
        {
            "heading": firm(country="PE", exports=["080620"]),
            "exact": firm(country="PE", exports=["080610"]),
        },
        ["exact", "heading"],
        [],
    ),
    "never an unrelated product, however big its market": (
        PE_GRAPES,
        {"shampoo": demand("330510", value=9e9), "grapes": demand(value=1e6)},
        ["grapes"],
        ["shampoo"],
    ),
    "never a closed or expired request": (
        PE_GRAPES,
        {
            "closed": {"kind": "request", "by": "buyer", "status": "closed"},
            "expired": {"kind": "request", "by": "buyer", "deadline": -2},
            "open": {"kind": "request", "by": "buyer2"},
            "buyer": firm(),
            "buyer2": firm(),
        },
        ["open"],
        ["closed", "expired"],
    ),
}


BIG = {"value": 5e9, "growth": 15.0, "unrealised": 5e8}

# For each weight staff edit: a world where `x` beats `y` on that component only, and `y` ranks
# first with the default weights (x, y named in the expected order once the weight is raised).
WEIGHT_WORLDS = {
    "product": (
        PE_GRAPES,
        {"x": demand("080610", value=1e6), "y": demand("080620", **BIG)},
        ["x", "y"],
        [],
    ),
    "sector": (
        {**PE_GRAPES, "sectors": ["agro"]},
        {"x": demand(value=1e6, sector="agro", age=200), "y": demand(**BIG, age=0)},
        ["x", "y"],
        [],
    ),
    "demand": (
        {**PE_GRAPES, "sectors": ["agro"]},
        {"x": demand(**BIG, age=200), "y": demand(value=1e6, sector="agro", age=0)},
        ["x", "y"],
        [],
    ),
    "requirements": (
        {**PE_GRAPES, "certifications": ["globalgap"]},
        {
            "x": {
                "kind": "request",
                "by": "b1",
                "required": ["globalgap"],
                "value": 1e6,
                "age": 200,
            },
            "y": {"kind": "request", "by": "b2", "required": ["organic"], **BIG, "age": 0},
            "b1": firm(),
            "b2": firm(),
        },
        ["x", "y"],
        [],
    ),
    "freshness": (
        PE_GRAPES,
        {"x": demand(value=1e6, age=0), "y": demand(value=1e8, growth=10.0, age=300)},
        ["x", "y"],
        [],
    ),
    "profile": (
        {**PE_GRAPES, "size": "small"},
        {
            "x": firm(
                imports=["080610"],
                size="large",
                description="Importamos fruta fresca.",
                website="https://example.com",
                city="Monterrey",
                languages=["es"],
                certifications=["haccp"],
            ),
            "y": firm(imports=["080610"], size="small"),
        },
        ["x", "y"],
        [],
    ),
}


def _company(spec: dict, sectors: dict):
    now = timezone.now()
    company = CompanyFactory(
        region=RegionFactory(code=REGIONS[spec["country"]], country=spec["country"]),
        status=spec.get("status", "verified"),
        size=spec.get("size", "small"),
        certifications=spec.get("certifications", []),
        description=spec.get("description", ""),
        website=spec.get("website", ""),
        city=spec.get("city", ""),
        languages=spec.get("languages", []),
    )
    set_sectors(company=company, sectors=[sectors[s] for s in spec.get("sectors", [])])
    for code in spec.get("exports", []):
        CompanyProductFactory(
            company=company, hs_code=HSCodeFactory(code=code), yearly_volume_usd=spec.get("volume")
        )
    for code in spec.get("imports", []):
        CompanyProductFactory(company=company, hs_code=HSCodeFactory(code=code), direction="import")
    active = now - timedelta(days=spec.get("active", 10), hours=1)
    Company.objects.filter(pk=company.pk).update(updated_at=active, verified_at=active)
    return company


def _opportunity(spec: dict, companies: dict, sectors: dict, default_market: str):
    now = timezone.now()
    buyer = companies.get(spec.get("by"))
    deadline = now + timedelta(days=spec.get("deadline", 30)) if spec["kind"] == "request" else None
    return OpportunityFactory(
        kind=spec["kind"],
        company=buyer,
        status=spec.get("status", "published"),
        market_country=buyer.country if buyer else spec.get("market", default_market),
        hs_code=HSCodeFactory(code=spec.get("code", "080610")),
        sector=sectors.get(spec.get("sector")),
        value_usd=spec.get("value"),
        growth_pct=spec.get("growth"),
        unrealised_usd=spec.get("unrealised"),
        required_certifications=spec.get("required", []),
        published_at=now - timedelta(days=spec.get("age", 10), hours=1),
        deadline=deadline,
        title=spec.get("title", ""),
    )


def build(world: str, worlds: dict = WORLDS):
    """Create the world; return its firm and the label of each candidate's match target."""
    firm_spec, candidates, _order, _absent = worlds[world]
    names = {"agro", "mining"}
    sectors = {slug: SectorFactory(slug=slug) for slug in names}
    me = _company(firm_spec, sectors)
    other = "MX" if me.country == "PE" else "PE"
    for request in firm_spec.get("requests", []):  # the firm's own buyer requests
        _opportunity({"kind": "request", "by": "me", **request}, {"me": me}, sectors, "")
    companies = {
        label: _company(spec, sectors)
        for label, spec in candidates.items()
        if spec["kind"] == "firm"
    }
    labels = {("counterpart", company.pk): label for label, company in companies.items()}
    for label, spec in candidates.items():
        if spec["kind"] != "firm":
            opportunity = _opportunity(spec, companies, sectors, other)
            labels[("opportunity", opportunity.pk)] = label
    if dismissed := firm_spec.get("dismissed"):  # an old match of this code marked not relevant
        old = OpportunityFactory(
            hs_code=HSCodeFactory(code=dismissed), market_country=other, status="closed"
        )
        Match.objects.create(
            company=me, opportunity=old, kind="opportunity", score=50, status="dismissed"
        )
    return me, labels


def ranked_labels(company, labels: dict) -> list[str]:
    """The labels of the company's live matches, best first (dismissed ones left out)."""
    live = (
        Match.objects.live()
        .filter(company=company)
        .exclude(status="dismissed")
        .order_by("-score", "pk")
    )
    keys = [
        ("opportunity", m.opportunity_id) if m.opportunity_id else ("counterpart", m.counterpart_id)
        for m in live
    ]
    return [labels[key] for key in keys if key in labels]
