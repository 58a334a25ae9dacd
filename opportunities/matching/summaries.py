"""What an interest is about, for the emails and the interests page: the product (code and words),
the score and reasons of the sender's match, and the sender's profile.

Read-only; the page and the emails share it. Labels come out in the active language, so callers
render inside `translation.override(reader_language)`."""

from dataclasses import dataclass, field

from django.db.models import Q

from companies.models import Certification, Company
from opportunities.matching import reasons as match_reasons
from opportunities.matching.models import Interest, Match
from opportunities.reference.models import HSCode
from tradeportal.i18n import Country


@dataclass
class InterestSummary:
    product_code: str = ""
    product_words: str = ""
    score: int | None = None
    reasons: list[str] = field(default_factory=list)
    country: str = ""
    region: str = ""
    size: str = ""
    certifications: list[str] = field(default_factory=list)
    message: str = ""
    public_path: str = ""  # the sender's public page, when it has one

    def as_context(self) -> dict:
        """Plain values for an outbox row's JSON context."""
        return {**self.__dict__}


MATCH_FIELDS = ("company", "opportunity", "counterpart", "score", "reasons")  # what a summary reads


def matches_for(interests: list[Interest]) -> dict[int, Match]:
    """The sender's match behind each interest (when the engine found one), in one query."""
    if not interests:
        return {}
    condition = Q(pk__in=[])
    for i in interests:
        if i.opportunity_id:
            condition |= Q(company_id=i.company_id, opportunity_id=i.opportunity_id)
        else:
            condition |= Q(company_id=i.company_id, counterpart_id=i.target_company_id)
    by_pair = {
        (m.company_id, m.opportunity_id or m.counterpart_id): m
        for m in Match.objects.filter(condition).only(*MATCH_FIELDS)
    }
    return {
        i.pk: by_pair[key]
        for i in interests
        if (key := (i.company_id, i.opportunity_id or i.target_company_id)) in by_pair
    }


def summarize(
    interest: Interest, match: Match | None, names: dict | None = None
) -> InterestSummary:
    """The summary of one interest in the active language."""
    sender: Company = interest.company
    code = _product_code(interest, match)
    names = names if names is not None else HSCode.objects.in_bulk([code] if code else [])
    hs_code = names.get(code)
    labels = dict(Certification.choices)
    return InterestSummary(
        product_code=code,
        product_words=hs_code.description if hs_code else "",
        score=round(match.score) if match else None,
        reasons=match_reasons.render(match.reasons, names=names) if match else [],
        country=str(Country(sender.country).label),
        region=sender.region.name if sender.region_id else "",
        size=sender.get_size_display(),
        certifications=[str(labels.get(c, c)) for c in sender.certifications or []],
        message=interest.message,
        public_path=sender.get_absolute_url() if _is_public(sender) else "",
    )


def summaries_for(interests: list[Interest]) -> dict[int, InterestSummary]:
    """Summaries of a page of interests (select_related company__region, opportunity)."""
    matches = matches_for(interests)
    codes = {_product_code(i, matches.get(i.pk)) for i in interests}
    reason_codes = match_reasons.product_names([m.reasons for m in matches.values()])
    names = HSCode.objects.only("code", "description_es", "description_en")
    names = {**names.in_bulk([c for c in codes if c]), **reason_codes}
    return {i.pk: summarize(i, matches.get(i.pk), names) for i in interests}


def _product_code(interest: Interest, match: Match | None) -> str:
    if interest.opportunity_id:
        return interest.opportunity.hs_code_id
    for reason in match.reasons if match else []:
        if reason.get("key") == "counterpart":
            return reason["params"].get("code", "")
    return ""


def _is_public(company: Company) -> bool:
    return company.is_public and company.status == Company.Status.VERIFIED
