"""Forms of an introduction's page: a message (text and one PDF), a report to staff."""

from django import forms
from django.utils.translation import gettext_lazy as _

from opportunities.matching.conversations import MAX_BODY


class MessageForm(forms.Form):
    body = forms.CharField(
        label=_("Your message"),
        required=False,
        max_length=MAX_BODY,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": MAX_BODY}),
    )
    attachment = forms.FileField(
        label=_("Attach a PDF (optional)"),
        required=False,
        help_text=_("A catalogue or a price list, up to 5 MB. Only the two firms can open it."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )


class ReportForm(forms.Form):
    reason = forms.CharField(
        label=_("What is wrong?"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": 1000}),
    )
