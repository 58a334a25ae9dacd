"""Unsubscribe without logging in, and the signed-in member's notification preferences."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from opportunities.notifications import unsubscribe as unsubscribe_service
from opportunities.notifications.content import membership_from_token
from opportunities.notifications.forms import PreferencesForm

TEMPLATES = "opportunities/notifications"


@csrf_exempt  # RFC 8058: mail clients POST "List-Unsubscribe=One-Click" without a session
def unsubscribe(request, token):
    """GET shows a confirmation button (link scanners must not unsubscribe); POST unsubscribes."""
    if membership_from_token(token) is None:
        return render(request, f"{TEMPLATES}/unsubscribe_invalid.html", status=400)
    if request.method == "POST":
        membership = unsubscribe_service.unsubscribe(token)
        if membership is None:
            return render(request, f"{TEMPLATES}/unsubscribe_invalid.html", status=400)
        return render(request, f"{TEMPLATES}/unsubscribed.html", {"membership": membership})
    return render(request, f"{TEMPLATES}/unsubscribe_confirm.html", {"token": token})


@login_required
def preferences(request):
    memberships = list(request.user.memberships.select_related("company").order_by("id"))
    forms = [PreferencesForm(prefix=f"m{m.id}", instance=m) for m in memberships]
    if request.method == "POST":
        forms = [PreferencesForm(request.POST, prefix=f"m{m.id}", instance=m) for m in memberships]
        if all(form.is_valid() for form in forms):
            with transaction.atomic():
                for form in forms:
                    form.save()
            messages.success(request, _("Your notification preferences were saved."))
            return redirect("notifications:preferences")
    return render(
        request, f"{TEMPLATES}/preferences.html", {"forms": forms, "memberships": memberships}
    )
