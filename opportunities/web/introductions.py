"""Pages of an introduction (an accepted interest): the other firm's contact card, the
conversation, withdrawing. Only the two firms reach them; anyone else gets a 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from companies.context_processors import chosen_company
from companies.models import Company
from opportunities.matching import conversations, introductions
from opportunities.matching import interests as interest_service
from opportunities.matching.forms import MessageForm, ReportForm
from opportunities.matching.models import Interest, Message


def current_company(request) -> Company:
    company = chosen_company(request)
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
    return _page(request, company, interest, MessageForm(), ReportForm())


def _page(request, company, interest, form, report_form, status: int = 200):
    thread = conversations.thread_of(interest)
    context = {
        "company": company,
        "interest": interest,
        "other": introductions.counterpart_of(interest, company),
        "card": introductions.visible_card(interest, company),
        "my_card": introductions.contact_card(company),
        "messages_list": thread.messages.select_related("company", "author"),
        "form": form,
        "report_form": report_form,
    }
    conversations.mark_read(thread=thread, user=request.user)
    return render(request, "opportunities/matching/introduction.html", context, status=status)


@login_required
@require_POST
def post_message(request, pk: int):
    company = current_company(request)
    interest = _interest_of(company, pk)
    form = MessageForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            conversations.post_message(
                interest=interest,
                company=company,
                user=request.user,
                body=form.cleaned_data["body"],
                attachment=form.cleaned_data["attachment"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Message sent."))
            return redirect(reverse("opportunities:introduction", args=[pk]) + "#reply")
    return _page(request, company, interest, form, ReportForm(), status=400)


@login_required
def attachment(request, pk: int, message_id: int):
    """A message's PDF, for the two firms only (staff read reported threads in the admin)."""
    company = current_company(request)
    interest = _interest_of(company, pk)
    message = get_object_or_404(
        Message.objects.filter(thread__interest=interest).exclude(attachment=""), pk=message_id
    )
    return conversations.attachment_response(message)


@login_required
@require_POST
def report(request, pk: int):
    company = current_company(request)
    interest = _interest_of(company, pk)
    form = ReportForm(request.POST)
    if form.is_valid():
        try:
            conversations.report_thread(
                interest=interest,
                company=company,
                user=request.user,
                reason=form.cleaned_data["reason"],
            )
        except (PermissionDenied, ValidationError) as error:
            form.add_error(None, " ".join(getattr(error, "messages", [str(error)])))
        else:
            messages.success(request, _("Thank you: our staff will review this conversation."))
            return redirect("opportunities:introduction", pk=pk)
    return _page(request, company, interest, MessageForm(), form, status=400)


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
