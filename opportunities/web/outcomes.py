"""The one-click outcome page reached from the 30- and 90-day emails (a signed link)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from opportunities.matching import introductions, outcomes
from opportunities.matching.forms import OutcomeForm


def outcome(request, token: str):
    """Following a link records its answer at once (one click); the page then takes the value
    band and the product, or a change of answer. A forged or unknown link is a 404."""
    row = outcomes.outcome_from_token(token)
    if row is None:
        raise Http404
    clicked = request.GET.get("answer", "")
    if request.method == "GET" and clicked in outcomes.Answer.values and clicked != row.answer:
        outcomes.record_answer(
            outcome=row, answer=clicked, value_band=row.value_band, product=row.product
        )
    form = OutcomeForm(
        request.POST or None,
        initial={
            "answer": row.answer,
            "value_band": row.value_band,
            "product": row.product_id or "",
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            outcomes.record_answer(outcome=row, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Thank you: your answer was saved."))
            return redirect("opportunities:outcome", token=token)
    context = {
        "outcome": row,
        "other": introductions.counterpart_of(row.interest, row.company),
        "form": form,
    }
    return render(request, "opportunities/matching/outcome.html", context)
