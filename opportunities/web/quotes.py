"""Quote pages: a supplier's form on a buyer request and its sent quotes; the buyer's side-by-side
comparison with shortlist, accept and decline."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from opportunities.matching import quotes
from opportunities.matching.forms import DeclineQuoteForm, QuoteForm
from opportunities.models import Opportunity, Quote
from opportunities.web.introductions import current_company


@login_required
def quote_form(request, pk: int):
    """A supplier quotes on a published buyer request."""
    company = current_company(request)
    buyer_request = get_object_or_404(
        Opportunity.objects.published().filter(kind=Opportunity.Kind.REQUEST), pk=pk
    )
    sent = Quote.objects.filter(request=buyer_request, supplier=company).first()
    form = QuoteForm(request.POST or None, initial={"unit": buyer_request.unit})
    if request.method == "POST" and sent is None and form.is_valid():
        try:
            quotes.submit_quote(
                request=buyer_request, supplier=company, user=request.user, data=form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your quote was sent to the buyer."))
            return redirect("opportunities:my_quotes")
    context = {
        "o": buyer_request,
        "form": form,
        "sent": sent,
        "cannot": quotes.can_quote(buyer_request, company),
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "opportunities/quotes/form.html", context, status=status)


@login_required
def my_quotes(request):
    company = current_company(request)
    sent = Quote.objects.filter(supplier=company).select_related("request__company", "interest")
    return render(request, "opportunities/quotes/mine.html", {"quotes": sent.order_by("-pk")})


@login_required
def request_quotes(request, pk: int):
    """The buyer compares the quotes on its request side by side."""
    company = current_company(request)
    buyer_request = get_object_or_404(Opportunity.objects.filter(company=company), pk=pk)
    received = buyer_request.quotes.select_related("supplier__region").order_by(
        "status", "unit_price", "pk"
    )
    context = {"o": buyer_request, "quotes": received, "decline_form": DeclineQuoteForm()}
    return render(request, "opportunities/quotes/compare.html", context)


@login_required
@require_POST
def quote_action(request, pk: int, action: str):
    company = current_company(request)
    quote = get_object_or_404(
        Quote.objects.filter(request__company=company).select_related("request", "supplier"),
        pk=pk,
    )
    try:
        if action in ("shortlist", "unshortlist"):
            quotes.shortlist_quote(quote=quote, company=company, on=action == "shortlist")
        elif action == "accept":
            quotes.accept_quote(quote=quote, company=company, user=request.user)
            messages.success(
                request, _("Quote accepted: the introduction with the supplier is open.")
            )
            return redirect("opportunities:introduction", pk=quote.interest_id)
        elif action == "decline":
            quotes.decline_quote(
                quote=quote, company=company, reason=request.POST.get("reason", "")
            )
            messages.success(request, _("The supplier was told, with your reason."))
    except (PermissionDenied, ValidationError) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
    return redirect("opportunities:request_quotes", pk=quote.request_id)
