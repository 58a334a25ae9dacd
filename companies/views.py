"""Company pages: the set-up wizard, the private profile, members, the public directory."""

from allauth.account.adapter import get_adapter
from allauth.account.views import SignupView as AllauthSignupView
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from companies import selectors, services, tokens
from companies.context_processors import SESSION_KEY
from companies.filters import DirectoryFilter
from companies.forms import (
    ApiTokenForm,
    CompanyIdentityForm,
    CompanyProfileForm,
    InviteForm,
    NotificationForm,
    ProductForm,
)
from companies.middleware import SESSION_KEY as PRIVACY_SESSION_KEY
from companies.models import Company, Membership
from opportunities.matching import services as matching
from opportunities.reference.hs_search import MAX_QUERY, grouped, hs_choice, search_codes
from opportunities.trade.productspace.selectors import next_products
from tradeportal.privacy import responsible_party

STEPS = {
    1: gettext_lazy("Identity"),
    2: gettext_lazy("Products"),
    3: gettext_lazy("Profile"),
    4: gettext_lazy("Notifications"),
}


@login_required
def company_new(request):
    """Wizard step 1 for a new company: identity and tax id."""
    form = CompanyIdentityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        company = services.create_company(owner=request.user, data=form.cleaned_data)
        request.session[SESSION_KEY] = company.pk
        return redirect("companies:setup", pk=company.pk, step=2)
    return render(request, "companies/setup.html", {"form": form, "step": 1, "steps": STEPS})


@login_required
def company_setup(request, pk: int, step: int):
    """Wizard steps 1-4 for an existing company; each step is saved as soon as it is sent."""
    company = selectors.member_company(request.user, pk)
    if step not in STEPS:
        raise Http404
    if step == 2:
        return _products_step(request, company)
    form = _step_form(request, company, step)
    if request.method == "POST" and form.is_valid():
        _save_step(request, company, step, form)
        if step == 4:
            messages.success(request, _("Your company profile is complete."))
            return redirect("companies:profile", pk=company.pk)
        return redirect("companies:setup", pk=company.pk, step=step + 1)
    context = {"form": form, "step": step, "steps": STEPS, "company": company}
    return render(request, "companies/setup.html", context)


def _step_form(request, company: Company, step: int):
    data, files = (request.POST, request.FILES) if request.method == "POST" else (None, None)
    if step == 1:
        return CompanyIdentityForm(data, instance=company)
    if step == 3:
        return CompanyProfileForm(data, files, instance=company)
    membership = selectors.membership_of(request.user, company)
    return NotificationForm(data, instance=membership, user=request.user)


def _save_step(request, company: Company, step: int, form) -> None:
    if step == 4:
        matching.finish_setup(company=company, membership=form.instance, **form.cleaned_data)
        return
    matching.update_company(company=company, data=dict(form.cleaned_data), next_step=step + 1)


def _products_step(request, company: Company):
    form = ProductForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        matching.add_product(company=company, **form.cleaned_data)
        messages.success(request, _("Product added."))
        return redirect("companies:setup", pk=company.pk, step=2)
    query = request.GET.get("q", "")
    context = {
        "form": form,
        "step": 2,
        "steps": STEPS,
        "company": company,
        "query": query,
        "results": grouped(search_codes(query[:MAX_QUERY])) if query.strip() else [],
        "selectable": True,
        "products": company.products.select_related("hs_code").order_by("direction", "hs_code_id"),
    }
    return render(request, "companies/setup_products.html", context)


@login_required
@require_POST
def product_add(request, pk: int):
    """Add one product from a suggestion ("add to my products"), then go back to the page."""
    company = selectors.member_company(request.user, pk)
    form = ProductForm(request.POST)
    if form.is_valid():
        product = matching.add_product(company=company, **form.cleaned_data)
        messages.success(
            request, _("%(code)s was added to your products.") % {"code": product.hs_code_id}
        )
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return redirect(target)
    return redirect("companies:profile", pk=company.pk)


@login_required
@require_POST
def product_remove(request, pk: int, product_id: int):
    company = selectors.member_company(request.user, pk)
    matching.remove_product(company=company, product_id=product_id)
    if request.POST.get("next") == "setup":
        return redirect("companies:setup", pk=company.pk, step=2)
    return redirect("companies:profile", pk=company.pk)


def hs_search(request):
    """HS codes for the product names, words or digits typed: a page of its own without
    JavaScript, an htmx fragment, or JSON for the type-ahead widget."""
    query = request.GET.get("q", "")[:MAX_QUERY]
    results = search_codes(query) if len(query.strip()) >= 2 else []
    if request.GET.get("format") == "json":
        return JsonResponse({"results": [hs_choice(code) for code in results]})
    # The wizard's live search (htmx, select=1) shows the "I export it" buttons of its page.
    selectable = bool(request.htmx) and request.GET.get("select") == "1"
    context = {"results": grouped(results), "query": query, "selectable": selectable}
    if request.htmx:
        return render(request, "companies/hs_results.html", context)
    return render(request, "companies/hs_search.html", context)


@login_required
def company_profile(request, pk: int):
    """The company as its members see it: everything, with links to edit."""
    company = selectors.member_company(request.user, pk)
    membership = selectors.membership_of(request.user, company)
    context = {
        "company": company,
        "membership": membership,
        "products": company.products.select_related("hs_code").order_by("direction", "hs_code_id"),
        "members": company.memberships.select_related("user").order_by("role", "user__email"),
        "invite_form": InviteForm(),
        "is_owner": membership.role == Membership.Role.OWNER,
    }
    return render(request, "companies/profile.html", context)


@login_required
def my_companies(request):
    """The companies of the signed-in user, or the way to create one."""
    companies = Company.objects.of_user(request.user).select_related("region")
    if not companies:
        return redirect("companies:new")
    return render(request, "companies/mine.html", {"companies": companies})


@login_required
@require_POST
def switch_company(request):
    company = selectors.member_company(request.user, int(request.POST.get("company", 0)))
    request.session[SESSION_KEY] = company.pk
    return redirect(request.POST.get("next") or "companies:mine")


@login_required
@require_POST
def member_action(request, pk: int, action: str):
    """Invite, remove, hand over or delete: owners' actions on the company."""
    company = selectors.member_company(request.user, pk)
    try:
        if action == "invite":
            form = InviteForm(request.POST)
            if not form.is_valid():
                raise ValidationError(form.errors["email"])
            services.invite_member(
                company=company, invited_by=request.user, email=form.cleaned_data["email"]
            )
            messages.success(request, _("Invitation sent."))
        elif action == "remove":
            services.remove_member(
                company=company, by=request.user, membership_id=int(request.POST["membership"])
            )
            messages.success(request, _("Member removed."))
        elif action == "transfer":
            services.transfer_ownership(
                company=company, by=request.user, membership_id=int(request.POST["membership"])
            )
            messages.success(request, _("Ownership handed over."))
        elif action == "delete":
            if request.POST.get("confirm") != company.tax_id:
                raise ValidationError(_("Type the company's tax id to confirm the deletion."))
            services.delete_company(company=company, by=request.user)
            messages.success(request, _("The company was deleted."))
            return redirect("companies:mine")
        else:
            raise Http404
    except (ValidationError, Membership.DoesNotExist) as error:
        messages.error(request, " ".join(getattr(error, "messages", [_("Not found.")])))
    except PermissionDenied as error:
        messages.error(request, str(error))
    return redirect("companies:profile", pk=company.pk)


@login_required
def accept_invitation(request, token: str):
    if request.method == "POST":
        try:
            membership = services.accept_invitation(token=token, user=request.user)
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
            return redirect("companies:mine")
        request.session[SESSION_KEY] = membership.company_id
        return redirect("companies:profile", pk=membership.company_id)
    return render(request, "companies/accept_invitation.html", {"token": token})


def directory(request):
    """Verified companies that chose a public page, searchable and filterable."""
    filterset = DirectoryFilter(request.GET, queryset=selectors.directory())
    page = Paginator(filterset.qs, 20).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "companies/directory.html",
        {
            "filter": filterset,
            "page": page,
            "query": query.urlencode(),
            "chips": filterset.active(request.GET),
        },
    )


def company_detail(request, pk: int):
    """A verified company's public page: what it trades and its sectors, never members' emails."""
    company = get_object_or_404(selectors.directory(), pk=pk)
    context = {
        "company": company,
        "next_products": next_products(
            country=company.country, exported=selectors.exported_codes(company)
        ),
        "can_add": request.user.is_authenticated and selectors.is_member(request.user, company),
    }
    return render(request, "companies/detail.html", context)


class SignupView(AllauthSignupView):
    """allauth's sign-up, answering the same page for every address (companies.accounts)."""

    def form_valid(self, form):
        response = super().form_valid(form)
        if response.status_code == 302:
            get_adapter(self.request).add_signup_sent_message(
                self.request, form.cleaned_data["email"]
            )
        return response


def privacy_notice(request):
    """The privacy notice in force ("aviso de privacidad")."""
    notice = selectors.current_privacy_notice()
    if notice is None:
        raise Http404
    context = {
        "notice": notice,
        "sections": notice.sections(get_language()),
        "responsible": responsible_party(),
    }
    return render(request, "companies/privacy_notice.html", context)


@login_required
def privacy_accept(request):
    """Ask a signed-in user to accept the privacy notice in force; record it."""
    notice = selectors.current_privacy_notice()
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        next_url = reverse("companies:mine")
    if notice is None:
        return redirect(next_url)
    if request.method == "POST":
        services.record_privacy_consent(user=request.user, notice=notice)
        request.session[PRIVACY_SESSION_KEY] = notice.version
        return redirect(next_url)
    context = {
        "notice": notice,
        "sections": notice.sections(get_language()),
        "responsible": responsible_party(),
        "next": next_url,
    }
    return render(request, "companies/privacy_accept.html", context)


@login_required
def privacy(request):
    """Download my data, or delete my account."""
    if request.method == "POST":
        try:
            services.delete_account(user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("companies:privacy")
        logout(request)
        messages.success(request, _("Your account was deleted."))
        return redirect("home")
    if request.GET.get("download"):
        response = JsonResponse(
            selectors.export_user_data(request.user),
            json_dumps_params={"ensure_ascii": False, "indent": 2},
        )
        response["Content-Disposition"] = 'attachment; filename="tradeportal-my-data.json"'
        return response
    return render(request, "companies/privacy.html")


@login_required
def api_tokens(request):
    """Create personal API tokens and list them; a new key is shown once, then only its prefix.

    The new key is rendered in the answer to the POST itself, never kept in the session: the
    only copy the site ever holds is its hash.
    """
    form = ApiTokenForm(request.POST or None)
    new_key = None
    if request.method == "POST" and form.is_valid():
        _token, new_key = tokens.create_token(user=request.user, name=form.cleaned_data["name"])
        form = ApiTokenForm()
    context = {"form": form, "tokens": request.user.api_tokens.all(), "new_key": new_key}
    response = render(request, "companies/api_tokens.html", context)
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def api_token_revoke(request, token_id: int):
    """Revoke one of the user's active tokens; any other token id answers 404."""
    if not tokens.revoke_token(user=request.user, token_id=token_id):
        raise Http404
    messages.success(request, _("The token was revoked; it no longer works."))
    return redirect("companies:api_tokens")
