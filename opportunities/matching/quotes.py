"""Quotes on buyer requests: verified suppliers send them; the buyer compares, shortlists,
accepts one (which opens the introduction) or declines each with a reason; the supplier is told.
A request closes when a quote is accepted, at its deadline, or at REQUEST_MAX_QUOTES quotes."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from companies import services as company_services
from companies.models import Company
from opportunities.listings import services as opportunity_services
from opportunities.listings.models import Opportunity
from opportunities.matching import interests, introductions
from opportunities.matching.models import Currency, Quote
from tradeportal import ratelimit

FIELDS = (
    "unit_price",
    "currency",
    "quantity",
    "unit",
    "incoterm",
    "lead_time_days",
    "valid_until",
    "message",
)


def can_quote(request: Opportunity, supplier: Company) -> str:
    """Why the supplier cannot quote on the request, or "" when it can."""
    if request.kind != Opportunity.Kind.REQUEST or request.company_id == supplier.pk:
        return _("A firm cannot quote on its own request.")
    if supplier.status != Company.Status.VERIFIED:
        return _("Only verified suppliers can send quotes; our staff verify your company soon.")
    if request.status != Opportunity.Status.PUBLISHED or (
        request.deadline and request.deadline < timezone.now()
    ):
        return _("This request is closed and takes no more quotes.")
    return ""


@transaction.atomic
def submit_quote(*, request: Opportunity, supplier: Company, user, data: dict) -> Quote:
    """A verified supplier quotes on a published request (once); the buyer is told."""
    request = Opportunity.objects.select_for_update().get(pk=request.pk)
    reason = can_quote(request, supplier)
    if reason:
        raise ValidationError(reason)
    if data["valid_until"] < timezone.localdate():
        raise ValidationError(_("The validity date cannot be in the past."))
    if not ratelimit.allow(f"quote:{supplier.pk}", limit=settings.QUOTES_PER_HOUR, period=3600):
        raise ValidationError(
            _("Your company sent many quotes in the last hour; please try again later.")
        )
    try:
        with transaction.atomic():
            quote = Quote.objects.create(
                request=request,
                supplier=supplier,
                author=user,
                unit=data.get("unit") or request.unit,
                message=data.get("message") or "",
                currency=data.get("currency") or Currency.USD,
                **{f: data[f] for f in FIELDS if f not in ("unit", "message", "currency")},
            )
    except IntegrityError as error:
        raise ValidationError(_("Your company already sent a quote on this request.")) from error
    _tell(request.company, "quote-received", quote, {"supplier": supplier.display_name})
    if request.quotes.count() >= settings.REQUEST_MAX_QUOTES:
        opportunity_services.close_request(opportunity=request, reason="quotes")
    return quote


@transaction.atomic
def shortlist_quote(*, quote: Quote, company: Company, on: bool = True) -> Quote:
    _check_buyer(quote, company, open_only=True)
    quote.status = Quote.Status.SHORTLISTED if on else Quote.Status.SUBMITTED
    quote.save(update_fields=["status"])
    return quote


@transaction.atomic
def accept_quote(*, quote: Quote, company: Company, user) -> Quote:
    """The buyer accepts one quote: the introduction opens (contact cards, conversation), the
    request closes, and the other open quotes are declined."""
    _check_buyer(quote, company, open_only=True)
    request = quote.request
    interest = interests.open_introduction(
        company=quote.supplier, user=quote.author, opportunity=request, message=quote.message
    )
    quote.status, quote.answered_at, quote.interest = (
        Quote.Status.ACCEPTED,
        timezone.now(),
        interest,
    )
    quote.save(update_fields=["status", "answered_at", "interest"])
    card = introductions.contact_card(company)
    _tell(
        quote.supplier,
        "quote-accepted",
        quote,
        lambda: {"card": card.as_context(), "link": interests.introduction_link(interest)},
    )
    for other in request.quotes.exclude(pk=quote.pk).filter(status__in=_OPEN):
        _decline(other, str(_("The buyer accepted another quote.")))
    opportunity_services.close_request(opportunity=request, reason="accepted")
    return quote


@transaction.atomic
def decline_quote(*, quote: Quote, company: Company, reason: str) -> Quote:
    _check_buyer(quote, company, open_only=True)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Give the supplier a short reason."))
    return _decline(quote, reason)


_OPEN = (Quote.Status.SUBMITTED, Quote.Status.SHORTLISTED)


def _decline(quote: Quote, reason: str) -> Quote:
    quote.status, quote.decline_reason = Quote.Status.DECLINED, reason[:300]
    quote.answered_at = timezone.now()
    quote.save(update_fields=["status", "decline_reason", "answered_at"])
    _tell(quote.supplier, "quote-declined", quote, {"reason": quote.decline_reason})
    return quote


def _check_buyer(quote: Quote, company: Company, *, open_only: bool) -> None:
    if quote.request.company_id != company.pk:
        raise PermissionDenied(_("Only the buyer who posted the request can answer its quotes."))
    if open_only and quote.status not in _OPEN:
        raise ValidationError(_("This quote was already answered."))


def _tell(company: Company, template: str, quote: Quote, extra) -> None:
    """Email the company's members about a quote, in each one's language."""

    def localized() -> dict:
        price = number_format(quote.unit_price, 2, use_l10n=True)
        quantity = number_format(Decimal(quote.quantity).normalize(), use_l10n=True)
        values = extra() if callable(extra) else extra
        return {
            "price": f"{price} {quote.currency}",
            "quantity": f"{quantity} {quote.unit}".strip(),
            **values,
        }

    company_services.email_members(
        company=company,
        template=template,
        key=f"{template}:{quote.pk}:{{user}}",
        link=lambda: (
            reverse("opportunities:request_quotes", args=[quote.request_id])
            if company.pk == quote.request.company_id
            else reverse("opportunities:my_quotes")
        ),
        context={
            "company": company.display_name,
            "request": quote.request.title or str(quote.request),
            "buyer": quote.request.company.display_name,
            "incoterm": quote.incoterm,
            "lead_time": quote.lead_time_days,
            "valid_until": quote.valid_until.isoformat(),
            "message": quote.message,
        },
        localized=localized,
    )
