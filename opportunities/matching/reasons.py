"""Reasons of a match, stored as keys with numbers and rendered in the reader's language.

Stored: [{"key": "market_imports", "params": {"market": "PE", "code": "8528", ...}}, ...].
Rendered: "Perú importó US$ 3.259 M de Monitores y proyectores (SA 8528) en 2024; México aporta
el 5 %." in Spanish, the same sentence in English for an English reader.
"""

from django.utils import translation
from django.utils.translation import gettext as _

from companies.models import Certification
from opportunities.matching.scoring import product_fit
from opportunities.reference.models import HSCode
from tradeportal.formatting import percent, period, usd
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
                    "months": list(opening.months),
                    "demo": opening.demo,
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
    name: str, country: str, code: str, role: str, firm_code: str, candidate=None
) -> list[dict]:
    """Why a counterpart firm fits: what it trades, how close that is to the firm's product, and
    for a buyer, the certifications its requests require that the firm holds or lacks."""
    reasons = [
        {
            "key": "counterpart",
            "params": {"company": name, "country": country, "code": code, "role": role},
        },
        {"key": "product", "params": {"level": level(firm_code, code), "firm_code": firm_code}},
    ]
    if role == "buyer" and candidate is not None and candidate.required_certifications:
        required, held = candidate.required_certifications, candidate.firm_certifications
        met, missing = sorted(required & held), sorted(required - held)
        reasons.append({"key": "certifications", "params": {"met": met, "missing": missing}})
    return reasons


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
    return HSCode.objects.only("code", "description_es", "description_en").in_bulk(codes)


def _product(code: str, names: dict) -> str:
    hs_code = names.get(code)
    text = hs_code.description if hs_code else code
    return text if len(text) <= 70 else text[:67].rstrip() + "…"


def _market(code: str) -> str:
    return str(Country(code).label) if code in Country.values else country_name(code)


def _certifications(codes: list[str]) -> str:
    """Labels, not codes: "HACCP, GlobalG.A.P." rather than "haccp, globalgap"."""
    return ", ".join(str(Certification(c).label) if c in Certification.values else c for c in codes)


def render_one(reason: dict, names: dict) -> str:
    key, p = reason["key"], dict(reason.get("params", {}))
    if key == "market_imports":
        text = _(
            "%(market)s imported %(value)s of %(product)s (HS %(code)s) in %(year)s; "
            "%(partner)s supplies %(share)s."
        ) % {
            "market": p.get("region") or _market(p["market"]),
            "value": usd(p["value"]),
            "product": _product(p["code"], names),
            "code": p["code"],
            # "diciembre 2024, 1 mes" when the figures cover one month (a state file)
            "year": period(p["year"], p.get("months")) if p["year"] else p["year"],
            "partner": _market(p["partner"]),
            "share": percent(p["share"], 0),
        }
        if p.get("demo"):
            text += " " + _("(Demo data, synthetic: not real statistics.)")
        return text
    if key == "growth":
        return _("Its imports grow %(growth)s a year.") % {"growth": percent(p["growth"], 1)}
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
                "missing": _certifications(p["missing"])
            }
        return _("You hold the required certifications (%(certs)s).") % {
            "certs": _certifications(p["met"])
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


def render_lists(reason_lists: list[list[dict]], language: str | None = None) -> list[list[str]]:
    """Render the stored reasons of a page of matches in `language` (or the active one), the
    product names of all of them read in one query."""
    names = product_names(reason_lists)
    with translation.override(language or translation.get_language() or "es"):
        return [[render_one(reason, names) for reason in reasons] for reasons in reason_lists]
