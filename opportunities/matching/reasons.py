"""Reasons of a match, stored as keys with numbers and rendered in the reader's language.

Stored: [{"key": "market_imports", "params": {"market": "PE", "code": "8528", ...}}, ...].
Rendered: "Perú importó US$ 3 259 M de Monitores y proyectores (SA 8528) en 2024; México aporta
el 5%." in Spanish, the same sentence in English for an English reader.
"""

from django.utils import translation
from django.utils.translation import gettext as _

from opportunities.matching.scoring import product_fit
from opportunities.reference.models import HSCode
from tradeportal.formatting import usd
from tradeportal.i18n import Country, country_name


def explain_opportunity(opening, partner: str, firm_code: str, candidate) -> list[dict]:
    """Why an open opportunity fits a firm of country `partner` through its product `firm_code`."""
    reasons = []
    if opening.kind == "demand":
        world = opening.world or 0.0
        reasons.append(
            {
                "key": "market_imports",
                "params": {
                    "market": opening.market,
                    "region": opening.region,
                    "value": world,
                    "code": opening.code,
                    "year": opening.year,
                    "partner": partner,
                    "share": round(100 * (opening.partner or 0.0) / world) if world else 0,
                },
            }
        )
        if opening.growth and opening.growth > 0:
            reasons.append({"key": "growth", "params": {"growth": round(opening.growth, 1)}})
        if opening.unrealised:
            reasons.append(
                {"key": "unrealised", "params": {"partner": partner, "value": opening.unrealised}}
            )
    elif opening.kind == "request":
        reasons.append(
            {"key": "buyer_request", "params": {"buyer": opening.buyer, "code": opening.code}}
        )
    fit = level(firm_code, opening.code)
    reasons.append({"key": "product", "params": {"level": fit, "firm_code": firm_code}})
    required = candidate.required_certifications
    if required:
        met = sorted(required & candidate.firm_certifications)
        missing = sorted(required - candidate.firm_certifications)
        reasons.append({"key": "certifications", "params": {"met": met, "missing": missing}})
    if candidate.similar_dismissed:
        reasons.append({"key": "dismissed_similar", "params": {}})
    return reasons


def explain_counterpart(
    name: str, country: str, code: str, role: str, firm_code: str
) -> list[dict]:
    """Why a counterpart firm fits: what it trades, and how close that is to the firm's product."""
    return [
        {
            "key": "counterpart",
            "params": {"company": name, "country": country, "code": code, "role": role},
        },
        {"key": "product", "params": {"level": level(firm_code, code), "firm_code": firm_code}},
    ]


def level(firm_code: str, other_code: str) -> str:
    """How close two HS codes are, as the product reason names it."""
    return {1.0: "exact", 0.7: "heading", 0.3: "chapter"}[product_fit(firm_code, other_code)]


def product_names(reason_lists: list[list[dict]]) -> dict[str, object]:
    """The HS codes the reasons name, loaded in one query."""

    codes = {
        r["params"][k]
        for reasons in reason_lists
        for r in reasons
        for k in ("code",)
        if k in r.get("params", {})
    }
    return HSCode.objects.in_bulk(codes)


def _product(code: str, names: dict) -> str:
    hs_code = names.get(code)
    text = hs_code.description if hs_code else code
    return text if len(text) <= 70 else text[:67].rstrip() + "…"


def _market(code: str) -> str:
    return str(Country(code).label) if code in Country.values else country_name(code)


def render_one(reason: dict, names: dict) -> str:
    key, p = reason["key"], dict(reason.get("params", {}))
    if key == "market_imports":
        return _(
            "%(market)s imported %(value)s of %(product)s (HS %(code)s) in %(year)s; "
            "%(partner)s supplies %(share)s%%."
        ) % {
            "market": p.get("region") or _market(p["market"]),
            "value": usd(p["value"]),
            "product": _product(p["code"], names),
            "code": p["code"],
            "year": p["year"],
            "partner": _market(p["partner"]),
            "share": p["share"],
        }
    if key == "growth":
        return _("Its imports grow %(growth)s%% a year.") % {"growth": p["growth"]}
    if key == "unrealised":
        return _("Unrealised potential for %(partner)s: %(value)s.") % {
            "partner": _market(p["partner"]),
            "value": usd(p["value"]),
        }
    if key == "buyer_request":
        return _("%(buyer)s wants to buy %(product)s (HS %(code)s).") % {
            "buyer": p["buyer"],
            "product": _product(p["code"], names),
            "code": p["code"],
        }
    if key == "product":
        labels = {
            "exact": _("It is exactly your product %(code)s."),
            "heading": _("Same heading as your product %(code)s."),
            "chapter": _("Same chapter as your product %(code)s."),
        }
        return labels[p["level"]] % {"code": p["firm_code"]}
    if key == "certifications":
        if p["missing"]:
            return _("Required certifications you do not list: %(missing)s.") % {
                "missing": ", ".join(p["missing"])
            }
        return _("You hold the required certifications (%(certs)s).") % {
            "certs": ", ".join(p["met"])
        }
    if key == "counterpart":
        return _("%(company)s (%(country)s) %(verb)s %(product)s (HS %(code)s).") % {
            "company": p["company"],
            "country": _market(p["country"]),
            "verb": _("exports") if p["role"] == "supplier" else _("wants to import"),
            "product": _product(p["code"], names),
            "code": p["code"],
        }
    if key == "dismissed_similar":
        return _("Ranked lower: you marked a similar match as not relevant.")
    return key


def render(
    reasons: list[dict], language: str | None = None, names: dict | None = None
) -> list[str]:
    """Render stored reasons in `language` (or the active one)."""
    names = product_names([reasons]) if names is None else names
    with translation.override(language or translation.get_language() or "es"):
        return [render_one(reason, names) for reason in reasons]
