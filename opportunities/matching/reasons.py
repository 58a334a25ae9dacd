"""Reasons of a match, stored as keys with numbers and rendered in the reader's language.

Stored: [{"key": "market_imports", "params": {"market": "PE", "code": "8528", ...}}, ...].
Rendered: "Perú importó US$ 3.259 M de Monitores y proyectores (SA 8528) en 2024; México aporta
el 5 %." in Spanish, the same sentence in English for an English reader.
"""

from functools import lru_cache
from typing import NamedTuple

from django.utils import translation
from django.utils.translation import gettext as _

from companies.models import Certification
from opportunities.matching.scoring import product_fit
from opportunities.reference.models import HSCode
from tradeportal.formatting import percent, period, usd
from tradeportal.i18n import Country, country_name, localized


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


def product_names(reason_lists: list[list[dict]], known: dict | None = None) -> dict[str, object]:
    """The HS codes the reasons name (objects with description_es and description_en): those
    in `known` as they are, the others loaded in one query (none when all are known)."""
    codes = {
        r["params"]["code"]
        for reasons in reason_lists
        for r in reasons
        if "code" in r.get("params", {})
    }
    known = known or {}
    missing = codes - set(known)
    only = ("code", "description_es", "description_en")
    loaded = HSCode.objects.only(*only).in_bulk(missing) if missing else {}
    return {**{code: known[code] for code in codes & set(known)}, **loaded}


class _Texts(NamedTuple):
    """The reasons' sentences and labels in one language."""

    language: str
    sentences: dict[str, str]
    markets: dict[str, str]  # Country labels by code
    certifications: dict[str, str]  # Certification labels by code


def _sentences() -> dict[str, str]:
    """Every sentence of a reason, in the active language."""
    return {
        "market_imports": _(
            "%(market)s imported %(value)s of %(product)s (HS %(code)s) in %(year)s; "
            "%(partner)s supplies %(share)s."
        ),
        "demo": _("(Demo data, synthetic: not real statistics.)"),
        "growth": _("Its imports grow %(growth)s a year."),
        "unrealised": _("Unrealised potential for %(partner)s: %(value)s."),
        "buyer_request": _("%(buyer)s wants to buy %(product)s (HS %(code)s)."),
        "product:exact": _("It is exactly your product %(code)s."),
        "product:heading": _("Same heading as your product %(code)s."),
        "product:chapter": _("Same chapter as your product %(code)s."),
        "certifications:missing": _("Required certifications you do not list: %(missing)s."),
        "certifications:held": _("You hold the required certifications (%(certs)s)."),
        "counterpart": _("%(company)s (%(country)s) %(verb)s %(product)s (HS %(code)s)."),
        "counterpart:supplier": _("exports"),
        "counterpart:buyer": _("wants to import"),
        "dismissed_similar": _("Ranked lower: you marked a similar match as not relevant."),
    }


@lru_cache(maxsize=16)
def _texts(language: str) -> _Texts:
    """The reasons' sentences and labels in `language`, translated once per process (the
    catalogs do not change while it runs): a gettext for every sentence and label made most
    of the time of a page of matches."""
    with translation.override(language):
        return _Texts(
            language=language,
            sentences=_sentences(),
            markets={code: str(label) for code, label in Country.choices},
            certifications={code: str(label) for code, label in Certification.choices},
        )


def _product(code: str, names: dict, texts: _Texts) -> str:
    hs_code = names.get(code)
    text = localized(hs_code, "description", texts.language) if hs_code else code
    return text if len(text) <= 70 else text[:67].rstrip() + "…"


def _market(code: str, texts: _Texts) -> str:
    return texts.markets.get(code) or country_name(code, texts.language)


def _certifications(codes: list[str], texts: _Texts) -> str:
    """Labels, not codes: "HACCP, GlobalG.A.P." rather than "haccp, globalgap"."""
    return ", ".join(texts.certifications.get(c, c) for c in codes)


def _period(year: int, months: list[int] | None, texts: _Texts) -> str:
    with translation.override(texts.language):  # its month names and "1 mes"
        return period(year, months)


def _market_imports(p: dict, names: dict, texts: _Texts) -> str:
    text = texts.sentences["market_imports"] % {
        "market": p.get("region") or _market(p["market"], texts),
        "value": usd(p["value"], texts.language),
        "product": _product(p["code"], names, texts),
        "code": p["code"],
        # "diciembre 2024, 1 mes" when the figures cover one month (a state file)
        "year": _period(p["year"], p.get("months"), texts) if p["year"] else p["year"],
        "partner": _market(p["partner"], texts),
        "share": percent(p["share"], 0, texts.language),
    }
    return f"{text} {texts.sentences['demo']}" if p.get("demo") else text


def _growth(p: dict, names: dict, texts: _Texts) -> str:
    return texts.sentences["growth"] % {"growth": percent(p["growth"], 1, texts.language)}


def _unrealised(p: dict, names: dict, texts: _Texts) -> str:
    return texts.sentences["unrealised"] % {
        "partner": _market(p["partner"], texts),
        "value": usd(p["value"], texts.language),
    }


def _buyer_request(p: dict, names: dict, texts: _Texts) -> str:
    return texts.sentences["buyer_request"] % {
        "buyer": p["buyer"],
        "product": _product(p["code"], names, texts),
        "code": p["code"],
    }


def _product_fit(p: dict, names: dict, texts: _Texts) -> str:
    return texts.sentences[f"product:{p['level']}"] % {"code": p["firm_code"]}


def _held_certifications(p: dict, names: dict, texts: _Texts) -> str:
    if p["missing"]:
        missing = _certifications(p["missing"], texts)
        return texts.sentences["certifications:missing"] % {"missing": missing}
    return texts.sentences["certifications:held"] % {"certs": _certifications(p["met"], texts)}


def _counterpart(p: dict, names: dict, texts: _Texts) -> str:
    verb = "counterpart:supplier" if p["role"] == "supplier" else "counterpart:buyer"
    return texts.sentences["counterpart"] % {
        "company": p["company"],
        "country": _market(p["country"], texts),
        "verb": texts.sentences[verb],
        "product": _product(p["code"], names, texts),
        "code": p["code"],
    }


def _dismissed_similar(p: dict, names: dict, texts: _Texts) -> str:
    return texts.sentences["dismissed_similar"]


# Each kind of reason by its key: render_one writes an unknown key as it is.
SENTENCES = {
    "market_imports": _market_imports,
    "growth": _growth,
    "unrealised": _unrealised,
    "buyer_request": _buyer_request,
    "product": _product_fit,
    "certifications": _held_certifications,
    "counterpart": _counterpart,
    "dismissed_similar": _dismissed_similar,
}


def render_one(reason: dict, names: dict, language: str | None = None) -> str:
    """One stored reason as a sentence in `language` (or the active one)."""
    sentence = SENTENCES.get(reason["key"])
    if sentence is None:
        return reason["key"]
    texts = _texts(language or translation.get_language() or "es")
    return sentence(reason.get("params", {}), names, texts)


def render(
    reasons: list[dict], language: str | None = None, names: dict | None = None
) -> list[str]:
    """Render stored reasons in `language` (or the active one)."""
    names = product_names([reasons]) if names is None else names
    language = language or translation.get_language() or "es"
    return [render_one(reason, names, language) for reason in reasons]


def render_lists(
    reason_lists: list[list[dict]], language: str | None = None, known: dict | None = None
) -> list[list[str]]:
    """Render the stored reasons of a page of matches in `language` (or the active one), the
    product names of all of them read at once (those in `known` as they are)."""
    names = product_names(reason_lists, known=known)
    language = language or translation.get_language() or "es"
    return [[render_one(reason, names, language) for reason in reasons] for reasons in reason_lists]
