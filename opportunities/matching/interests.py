"""Expressions of interest ("me interesa"), their answers, reminders and outcomes."""

from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from companies import services as company_services
from companies.models import User
from opportunities.matching import introductions, outcomes, summaries
from opportunities.matching.models import Interest, Match
from tradeportal.emails import site_url
from tradeportal.outbox import enqueue_email

REMINDER_AFTER = timedelta(days=7)


@transaction.atomic
def express_interest(
    *, company, user, opportunity=None, target_company=None, message: str = ""
) -> Interest:
    """Record the company's interest once; tell the other side (a buyer, or a company)."""
    if (opportunity is None) == (target_company is None):
        raise ValidationError(_("Choose an opportunity or a company."))
    if target_company is not None and target_company.pk == company.pk:
        raise ValidationError(_("A company cannot express interest in itself."))
    lookup = {"opportunity": opportunity} if opportunity else {"target_company": target_company}
    interest, created = Interest.objects.get_or_create(
        company=company, **lookup, defaults={"user": user, "message": message[:1000]}
    )
    if opportunity is not None:
        Match.objects.filter(company=company, opportunity=opportunity).update(
            status=Match.Status.INTERESTED
        )
    else:
        Match.objects.filter(company=company, counterpart=target_company).update(
            status=Match.Status.INTERESTED
        )
    other = target_company or (opportunity.company if opportunity.kind == "request" else None)
    if created and other is not None:
        _tell_receiver(interest, other)
    return interest


def _tell_receiver(interest: Interest, receiver) -> None:
    """Email the receiver's members what the interest is about; a firm without members on the
    site (a demo buyer, a firm staff loaded) is handed to staff, and the interest says so."""
    match = summaries.matches_for([interest]).get(interest.pk)

    def details() -> dict:
        summary = summaries.summarize(interest, match)
        public = summary.public_path and _absolute(summary.public_path)
        return {"from": interest.company.display_name, **summary.as_context(), "sender_url": public}

    if receiver.memberships.exists():
        _email_members(receiver, "interest-received", interest, details)
        return
    interest.via_staff = True
    interest.save(update_fields=["via_staff"])
    for user in User.objects.filter(is_staff=True, is_active=True):
        with translation.override(user.language):
            admin = _absolute(reverse("admin:opportunities_interest_change", args=[interest.pk]))
            context = {**details(), "company": receiver.display_name, "link": admin}
        enqueue_email(
            key=f"interest-staff:{interest.pk}:{user.pk}",
            to_email=user.email,
            user=user,
            template="interest-staff",
            language=user.language,
            context={**context, "subject": _subject(interest)},
        )


def _absolute(path: str) -> str:
    return site_url(path)


def _subject(interest: Interest) -> str:
    return interest.opportunity.title if interest.opportunity_id else ""


@transaction.atomic
def answer_interest(*, interest: Interest, company, accept: bool, reason: str = "") -> Interest:
    """The other side accepts or declines, with a short reason; the interested firm is told.

    Accepting makes it an introduction: each side gets the other's contact card by email."""
    if company.pk != _receiver(interest).pk:
        raise PermissionDenied(_("Only the company that received the interest can answer it."))
    if interest.status != Interest.Status.PENDING:
        raise ValidationError(_("This interest was already answered."))
    interest.status = Interest.Status.ACCEPTED if accept else Interest.Status.DECLINED
    interest.answer_reason, interest.answered_at = reason[:300], timezone.now()
    interest.save(update_fields=["status", "answer_reason", "answered_at"])
    their_card = introductions.contact_card(company) if accept else None
    _email_members(
        interest.company,
        "interest-answered",
        interest,
        lambda: {
            "accepted": accept,
            "reason": interest.answer_reason,
            "by": company.display_name,
            "card": their_card.as_context() if their_card else None,
            "link": _introduction_link(interest)
            if accept
            else _absolute(reverse("opportunities:interests")),
        },
    )
    if accept:
        sender_card = introductions.contact_card(interest.company)
        _email_members(
            company,
            "introduction-made",
            interest,
            lambda: {
                "other": interest.company.display_name,
                "card": sender_card.as_context(),
                "link": _introduction_link(interest),
            },
        )
    return interest


@transaction.atomic
def open_introduction(*, company, user, opportunity, message: str = "") -> Interest:
    """The buyer of a request accepts a supplier's quote: the supplier's interest in the request
    is recorded as accepted, and the buyer's members get the supplier's contact card (the quote
    service tells the supplier)."""
    interest, _created = Interest.objects.get_or_create(
        company=company, opportunity=opportunity, defaults={"user": user, "message": message}
    )
    if interest.is_introduction:
        return interest
    interest.status, interest.answered_at = Interest.Status.ACCEPTED, timezone.now()
    interest.withdrawn_at = interest.withdrawn_by = None
    interest.save(update_fields=["status", "answered_at", "withdrawn_at", "withdrawn_by"])
    card = introductions.contact_card(company)
    _email_members(
        opportunity.company,
        "introduction-made",
        interest,
        lambda: {
            "other": company.display_name,
            "card": card.as_context(),
            "link": _introduction_link(interest),
        },
    )
    return interest


def introduction_link(interest: Interest) -> str:
    """The absolute link to the introduction's page, in the active language."""
    return _introduction_link(interest)


@transaction.atomic
def withdraw_introduction(*, interest: Interest, company) -> Interest:
    """Either firm leaves an accepted introduction: both contact cards are hidden again and the
    conversation closes; the other side is told."""
    if company.pk not in (interest.company_id, _receiver(interest).pk):
        raise PermissionDenied(_("Only the two companies involved can withdraw."))
    if not interest.is_introduction:
        raise ValidationError(_("This introduction is not open."))
    interest.withdrawn_at, interest.withdrawn_by = timezone.now(), company
    interest.save(update_fields=["withdrawn_at", "withdrawn_by"])
    other = introductions.counterpart_of(interest, company)
    _email_members(other, "introduction-withdrawn", interest, {"by": company.display_name})
    return interest


def _introduction_link(interest: Interest) -> str:
    return _absolute(reverse("opportunities:introduction", args=[interest.pk]))


@transaction.atomic
def record_outcome(*, interest: Interest, company, outcome: str, note: str = "") -> Interest:
    """Either side says whether the introduction led to business (the interests page's form)."""
    if company.pk not in (interest.company_id, _receiver(interest).pk):
        raise PermissionDenied(_("Only the two companies involved can say how it went."))
    if outcome in outcomes.FROM_INTEREST:
        outcomes.answer_for_company(
            interest=interest, company=company, answer=outcomes.FROM_INTEREST[outcome]
        )
    interest.outcome, interest.outcome_note = outcome, note[:300]
    interest.save(update_fields=["outcome", "outcome_note"])
    return interest


def send_reminders(now=None) -> int:
    """Remind the receiving side of interests unanswered for a week (once)."""
    now = now or timezone.now()
    due = Interest.objects.filter(
        status=Interest.Status.PENDING,
        reminder_sent_at__isnull=True,
        created_at__lte=now - REMINDER_AFTER,
    )
    count = 0
    for interest in due.select_related("company", "opportunity__company", "target_company"):
        with transaction.atomic():
            receiver = _receiver(interest)
            if receiver is not None:
                _email_members(
                    receiver, "interest-reminder", interest, {"from": interest.company.display_name}
                )
            Interest.objects.filter(pk=interest.pk).update(reminder_sent_at=now)
            count += 1
    return count


def ask_outcomes(now=None) -> int:
    """30 and 90 days after an accepted interest, ask both sides whether it led to business."""
    return outcomes.ask_outcomes(now)


def receiver_of(interest: Interest):
    """The company that receives the interest (None for market demand)."""
    return _receiver(interest)


def _receiver(interest: Interest):
    if interest.target_company_id:
        return interest.target_company
    return interest.opportunity.company if interest.opportunity_id else None


def _email_members(company, template: str, interest: Interest, extra) -> None:
    """Email each member; `extra` is a dict, or a function called in the member's language."""
    if company is None:
        return
    company_services.email_members(
        company=company,
        template=template,
        key=f"{template}:{interest.pk}:{{user}}",
        link=lambda: reverse("opportunities:interests") + f"#interest-{interest.pk}",
        context={"company": company.display_name, "subject": _subject(interest)},
        localized=extra if callable(extra) else lambda: extra,
    )


def set_match_status(*, match: Match, status: str) -> None:
    """Mark a match as not relevant (dismissed) or back to seen; the engine keeps the mark."""
    Match.objects.filter(pk=match.pk).update(status=status)
