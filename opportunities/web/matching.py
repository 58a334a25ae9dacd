"""The company dashboard: its matches ranked and explained, and its interests."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from companies import selectors as company_selectors
from companies import services as account_services
from opportunities.listings.filters import reference_choices
from opportunities.matching import interests as interest_service
from opportunities.matching import introductions, summaries
from opportunities.matching.selectors import MatchFilter, company_matches, match_rows
from opportunities.models import Interest, Match, Opportunity
from opportunities.trade.productspace.selectors import next_products
from opportunities.web import match_cards
from opportunities.web.context_processors import unread_by_interest
from opportunities.web.views import _current_company
from tradeportal.chips import chips


@login_required
def dashboard(request):
    """The current company's matches, best first, with the reasons and the actions."""
    company = _current_company(request)
    show = request.GET.get("show", "")
    data = request.GET.copy()
    data.pop("status", None)
    if show == "dismissed":  # the page's "dismissed" tab is the API's status=dismissed
        data["status"] = Match.Status.DISMISSED
    matches = MatchFilter(data, queryset=company_matches(company)).qs
    rows = match_rows(matches, *match_cards.COLUMNS)
    page = Paginator(rows, 20).get_page(request.GET.get("page"))
    last_visit = account_services.record_dashboard_visit(user=request.user)
    cards = match_cards.rendered(list(page), last_visit, request)
    query = request.GET.copy()
    query.pop("page", None)
    sectors = reference_choices()[0]  # (slug, name), cached per reference-data version
    filters = [
        ("kind", _("Kind"), Match.Kind.choices),
        ("sector", _("Sector"), sectors),
        ("show", _("Shown"), [("dismissed", _("also the ones marked not relevant"))]),
    ]
    context = {
        "company": company,
        "chips": chips(request.GET, filters),
        "page": page,
        "cards": cards,
        "query": query.urlencode(),
        "kinds": Match.Kind.choices,
        "sectors": sectors,
        "show": show,
        "next_products": next_products(
            country=company.country, exported=company_selectors.exported_codes(company)
        ),
        "can_add": True,
    }
    return render(request, "opportunities/matching/dashboard.html", context)


@login_required
@require_POST
def match_action(request, pk: int, action: str):
    """Mark a match: not relevant (dismiss), interested, or back to seen."""
    company = _current_company(request)
    match = get_object_or_404(Match.objects.filter(company=company), pk=pk)
    if action == "interested":
        interest = interest_service.express_interest(
            company=company,
            user=request.user,
            opportunity=match.opportunity,
            target_company=match.counterpart,
            message=request.POST.get("message", ""),
        )
        _say_who_was_told(request, interest)
    elif action in ("dismiss", "restore"):
        status = Match.Status.DISMISSED if action == "dismiss" else Match.Status.SEEN
        interest_service.set_match_status(match=match, status=status)
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
        back = reverse("opportunities:dashboard")
    return redirect(f"{back.split('#')[0]}#match-{match.pk}")


def _say_who_was_told(request, interest: Interest) -> None:
    if interest.via_staff:
        messages.info(
            request,
            _(
                "This company has no members on TradePortal yet: we passed your interest to our "
                "staff, who will contact it."
            ),
        )
    elif interest_service.receiver_of(interest) is not None:
        messages.success(request, _("We told them you are interested."))
    else:
        messages.success(request, _("Your interest was recorded."))


@login_required
@require_POST
def opportunity_interest(request, pk: int):
    """The "Me interesa" button of an opportunity page."""
    company = _current_company(request)
    opportunity = get_object_or_404(Opportunity.objects.open(), pk=pk)
    try:
        interest = interest_service.express_interest(
            company=company,
            user=request.user,
            opportunity=opportunity,
            message=request.POST.get("message", ""),
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        _say_who_was_told(request, interest)
    return redirect(opportunity.get_absolute_url())


@login_required
def interests(request):
    """Interests the company sent and received, with answers and outcomes."""
    company = _current_company(request)
    sent, received = introductions.sent_and_received(company)
    details = summaries.summaries_for(received)
    for interest in received:
        interest.summary = details[interest.pk]
    unread = unread_by_interest(request)
    for interest in sent + received:
        interest.unread = unread.get(interest.pk, 0)
    context = {
        "company": company,
        "sent": sent,
        "received": received,
        "outcomes": Interest.Outcome.choices,
    }
    return render(request, "opportunities/matching/interests.html", context)


@login_required
@require_POST
def interest_action(request, pk: int, action: str):
    company = _current_company(request)
    interest = get_object_or_404(
        Interest.objects.filter(
            Q(company=company) | Q(target_company=company) | Q(opportunity__company=company)
        ),
        pk=pk,
    )
    try:
        if action in ("accept", "decline"):
            interest_service.answer_interest(
                interest=interest,
                company=company,
                accept=action == "accept",
                reason=request.POST.get("reason", ""),
            )
        elif action == "outcome":
            interest_service.record_outcome(
                interest=interest,
                company=company,
                outcome=request.POST.get("outcome", ""),
                note=request.POST.get("note", ""),
            )
    except PermissionDenied as error:
        messages.error(request, str(error))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    if interest.is_introduction and action == "accept":
        return redirect("opportunities:introduction", pk=interest.pk)
    return redirect(reverse("opportunities:interests") + f"#interest-{interest.pk}")
