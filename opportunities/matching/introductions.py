"""Introductions: accepted interests, where the two firms see each other's contact card.

Reads only (the writes are in `interests.py`). A card is shown to a company only through an
introduction it is part of, which was accepted and not withdrawn; never on a public page."""

from dataclasses import asdict, dataclass

from django.db.models import Q, QuerySet

from companies.models import Company
from opportunities.matching.models import Interest

LANGUAGE_NAMES = {"es": "Español", "en": "English", "pt": "Português", "fr": "Français"}


@dataclass(frozen=True)
class ContactCard:
    company: str
    name: str
    role: str
    email: str
    phone: str
    languages: list[str]

    @property
    def is_empty(self) -> bool:
        return not (self.name or self.email or self.phone)

    def as_context(self) -> dict:
        return {**asdict(self), "is_empty": self.is_empty}


def contact_card(company: Company) -> ContactCard:
    return ContactCard(
        company=company.display_name,
        name=company.contact_name,
        role=company.contact_role,
        email=company.contact_email,
        phone=company.contact_phone,
        languages=[LANGUAGE_NAMES.get(code, code) for code in company.contact_languages or []],
    )


def involving(company: Company) -> Q:
    """Interests the company sent or received."""
    return Q(company=company) | Q(target_company=company) | Q(opportunity__company=company)


# What the interests page and the received interests' summaries read of an interest and of the
# rows it names (summaries.py): nothing else is loaded.
PAGE_FIELDS = (
    "company",
    "opportunity",
    "target_company",
    "message",
    "status",
    "via_staff",
    "answer_reason",
    "withdrawn_at",
    "outcome",
    "company__legal_name",
    "company__trade_name",
    "company__country",
    "company__size",
    "company__certifications",
    "company__is_public",
    "company__status",
    "company__region__name",
    "opportunity__title",
    "opportunity__company",
    "opportunity__hs_code__description_es",
    "opportunity__hs_code__description_en",
    "target_company__legal_name",
    "target_company__trade_name",
)


def sent_and_received(company: Company) -> tuple[list[Interest], list[Interest]]:
    """The interests the company sent and those it received, newest first, in one query."""
    interests = list(
        Interest.objects.filter(involving(company))
        .select_related("company__region", "opportunity__hs_code", "target_company")
        .only(*PAGE_FIELDS)
    )
    sent = [i for i in interests if i.company_id == company.pk]
    received = [
        i
        for i in interests
        if i.target_company_id == company.pk
        or (i.opportunity_id and i.opportunity.company_id == company.pk)
    ]
    return sent, received


def introductions_of(company: Company) -> QuerySet:
    """The company's open introductions, newest answer first."""
    return (
        Interest.objects.filter(involving(company), status=Interest.Status.ACCEPTED)
        .filter(withdrawn_at__isnull=True)
        .select_related("company", "target_company", "opportunity__company", "opportunity__hs_code")
        .order_by("-answered_at", "-pk")
    )


def counterpart_of(interest: Interest, company: Company) -> Company:
    """The other firm of an interest the company is part of."""
    if interest.company_id != company.pk:
        return interest.company
    return interest.target_company or interest.opportunity.company


def visible_card(interest: Interest, viewer: Company) -> ContactCard | None:
    """The counterpart's card, if the viewer may see it through this interest."""
    if not interest.is_introduction:
        return None
    return contact_card(counterpart_of(interest, viewer))
