"""Pages of an introduction (an accepted interest): the other firm's contact card, the
conversation, withdrawing. Only the two firms reach them; anyone else gets a 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from companies.context_processors import SESSION_KEY
from companies.models import Company
from opportunities.matching import interests as interest_service
from opportunities.matching import introductions
from opportunities.models import Interest


def current_company(request) -> Company:
    companies = Company.objects.of_user(request.user)
    company = companies.filter(pk=request.session.get(SESSION_KEY)).first() or companies.first()
    if company is None:
        raise Http404
    return company


def _interest_of(company: Company, pk: int) -> Interest:
    """An accepted interest the company is part of (open or withdrawn), or 404."""
    queryset = Interest.objects.filter(introductions.involving(company)).filter(
        status=Interest.Status.ACCEPTED
    )
    related = ("company__region", "target_company", "opportunity__company", "opportunity__hs_code")
    return get_object_or_404(queryset.select_related(*related), pk=pk)


@login_required
def introduction(request, pk: int):
    """The other firm's contact card (while the introduction is open) and the conversation."""
    company = current_company(request)
    interest = _interest_of(company, pk)
    context = {
        "company": company,
        "interest": interest,
        "other": introductions.counterpart_of(interest, company),
        "card": introductions.visible_card(interest, company),
        "my_card": introductions.contact_card(company),
    }
    return render(request, "opportunities/matching/introduction.html", context)


@login_required
@require_POST
def withdraw(request, pk: int):
    company = current_company(request)
    interest = _interest_of(company, pk)
    try:
        interest_service.withdraw_introduction(interest=interest, company=company)
    except (PermissionDenied, ValidationError) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
    else:
        messages.success(
            request, _("You withdrew from the introduction: the contact cards are hidden again.")
        )
    return redirect("opportunities:introduction", pk=interest.pk)
