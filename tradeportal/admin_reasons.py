"""An admin action that asks staff for a reason before it acts (rejections that are emailed)."""

from collections.abc import Callable

from django import forms
from django.contrib.admin import helpers
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason sent by email"), widget=forms.Textarea, max_length=1000
    )


def ask_reason(
    modeladmin,
    request,
    queryset,
    *,
    action: str,
    title: str,
    intro: str,
    submit: str,
    apply: Callable[[str], str],
):
    """Show the selected objects and a reason box; once a reason is given, `apply(reason)` acts
    and returns the message for staff. Returns None (back to the list) when done."""
    form = ReasonForm(request.POST if "reason" in request.POST else None)
    if form.is_valid():
        modeladmin.message_user(request, apply(form.cleaned_data["reason"]))
        return None
    context = {
        **modeladmin.admin_site.each_context(request),
        "form": form,
        "objects": queryset,
        "opts": modeladmin.model._meta,
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        "action": action,
        "title": title,
        "intro": intro,
        "submit": submit,
    }
    return TemplateResponse(request, "admin/reason.html", context)
