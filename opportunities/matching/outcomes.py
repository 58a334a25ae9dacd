"""Outcomes of introductions: 30 and 90 days after an interest is accepted, both firms are asked
in one click whether it led to business (no / talking / yes, with an optional value band and
product). The answers feed public aggregate results (counts only, never a firm's name) and a
staff report."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Min, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from companies import services as company_services
from companies.models import Company
from opportunities.matching import introductions
from opportunities.matching.models import Interest, IntroductionOutcome, ValueBand
from tradeportal.emails import site_url

ROUNDS = (30, 90)
SALT = "tradeportal.outcomes"
Answer = IntroductionOutcome.Answer
# The interests page's older outcome choices, as answers.
FROM_INTEREST = {"business": Answer.YES, "talking": Answer.TALKING, "no_business": Answer.NO}
TO_INTEREST = {answer: outcome for outcome, answer in FROM_INTEREST.items()}


def token_for(outcome: IntroductionOutcome) -> str:
    return signing.dumps({"o": outcome.pk}, salt=SALT, compress=True)


def outcome_from_token(token: str) -> IntroductionOutcome | None:
    try:
        pk = int(signing.loads(token, salt=SALT, max_age=timedelta(days=365))["o"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
    return IntroductionOutcome.objects.select_related("interest", "company").filter(pk=pk).first()


def ask_outcomes(now: datetime | None = None) -> int:
    """Ask both firms of every introduction that reached 30 or 90 days (once per round).
    Returns the number of introductions asked."""
    now = now or timezone.now()
    asked = 0
    for days in ROUNDS:
        due = (
            Interest.objects.filter(
                status=Interest.Status.ACCEPTED, answered_at__lte=now - timedelta(days=days)
            )
            .exclude(outcomes__after_days=days)
            .select_related("company", "target_company", "opportunity__company")
        )
        for interest in due:
            with transaction.atomic():
                for company in (
                    interest.company,
                    introductions.counterpart_of(interest, interest.company),
                ):
                    _ask(interest, company, days, now)
                if days == ROUNDS[0]:
                    Interest.objects.filter(pk=interest.pk).update(outcome_asked_at=now)
            asked += 1
    return asked


def _ask(interest: Interest, company: Company, days: int, now) -> None:
    outcome, _created = IntroductionOutcome.objects.get_or_create(
        interest=interest, company=company, after_days=days, defaults={"asked_at": now}
    )
    token = token_for(outcome)
    other = introductions.counterpart_of(interest, company)

    def answer_links() -> dict:
        base = site_url(reverse("opportunities:outcome", args=[token]))
        return {"links": {answer: f"{base}?answer={answer}" for answer in Answer.values}}

    company_services.email_members(
        company=company,
        template="interest-outcome",
        key=f"outcome:{outcome.pk}:{{user}}",
        link=lambda: reverse("opportunities:outcome", args=[token]),
        context={
            "company": company.display_name,
            "other": other.display_name if other else "",
            "days": days,
            "subject": interest.opportunity.title if interest.opportunity_id else "",
        },
        localized=answer_links,
    )


@transaction.atomic
def record_answer(
    *, outcome: IntroductionOutcome, answer: str, value_band: str = "", product=None
) -> IntroductionOutcome:
    """Store (or change) one firm's answer; the value band and product are optional."""
    if answer not in Answer.values:
        raise ValidationError(_("Choose no, talking or yes."))
    if value_band and value_band not in ValueBand.values:
        raise ValidationError(_("Choose one of the value bands."))
    outcome.answer, outcome.value_band, outcome.product = answer, value_band, product
    outcome.answered_at = timezone.now()
    outcome.save(update_fields=["answer", "value_band", "product", "answered_at"])
    Interest.objects.filter(pk=outcome.interest_id).update(outcome=TO_INTEREST[answer])
    return outcome


@transaction.atomic
def answer_for_company(
    *, interest: Interest, company: Company, answer: str, value_band: str = "", product=None
) -> IntroductionOutcome:
    """A firm answers from its interests page or the API, whether or not it was asked yet: the
    answer belongs to the latest round asked (the first one if none was)."""
    parties = {
        interest.company_id,
        getattr(introductions.counterpart_of(interest, interest.company), "pk", None),
    }
    if company.pk not in parties or interest.status != Interest.Status.ACCEPTED:
        raise PermissionDenied(_("Only the two companies involved can say how it went."))
    outcome = (
        IntroductionOutcome.objects.filter(interest=interest, company=company)
        .order_by("-after_days")
        .first()
    ) or IntroductionOutcome.objects.create(
        interest=interest, company=company, after_days=ROUNDS[0], asked_at=timezone.now()
    )
    return record_answer(outcome=outcome, answer=answer, value_band=value_band, product=product)


@dataclass
class Results:
    """What the firms reported, in counts only."""

    introductions: int = 0
    answered: int = 0
    talking: int = 0
    deals: int = 0
    bands: list[tuple[str, int]] = field(default_factory=list)
    since: datetime | None = None


def results(sector=None) -> Results:
    """Introductions made and deals reported (an introduction counts once, by its best answer),
    with the value bands firms gave; optionally of one sector."""
    accepted = Interest.objects.filter(status=Interest.Status.ACCEPTED)
    if sector is not None:
        accepted = accepted.filter(
            Q(opportunity__sector=sector) | Q(target_company__sectors=sector)
        ).distinct()
    summary = accepted.aggregate(n=Count("pk", distinct=True), since=Min("answered_at"))
    answers = IntroductionOutcome.objects.filter(interest__in=accepted.values("pk")).exclude(
        answer=""
    )
    deals = answers.filter(answer=Answer.YES).values("interest").distinct().count()
    talking = (
        answers.filter(answer=Answer.TALKING)
        .exclude(interest__in=answers.filter(answer=Answer.YES).values("interest"))
        .values("interest")
        .distinct()
        .count()
    )
    band_counts = dict(
        answers.filter(answer=Answer.YES)
        .exclude(value_band="")
        .values_list("value_band")
        .annotate(n=Count("interest", distinct=True))
    )
    return Results(
        introductions=summary["n"],
        answered=answers.values("interest").distinct().count(),
        talking=talking,
        deals=deals,
        bands=[
            (str(label), band_counts[value])
            for value, label in ValueBand.choices
            if value in band_counts
        ],
        since=summary["since"],
    )


def report_rows():
    """Every answer, for the staff report (CSV)."""
    return IntroductionOutcome.objects.select_related(
        "interest__company", "interest__target_company", "interest__opportunity__company", "company"
    ).order_by("interest_id", "after_days", "company_id")
