"""Forms of an introduction's page: a message (text and one PDF), a report to staff."""

from django import forms
from django.utils.translation import gettext_lazy as _

from opportunities.matching import quotes
from opportunities.matching.conversations import MAX_BODY
from opportunities.matching.models import IntroductionOutcome, Quote, ValueBand
from opportunities.reference.models import HSCode


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


class QuoteForm(forms.ModelForm):
    class Meta:
        model = Quote
        fields = list(quotes.FIELDS)
        widgets = {
            "valid_until": forms.DateInput(attrs={"type": "date"}),
            "message": forms.Textarea(attrs={"rows": 3, "maxlength": 2000}),
        }
        help_texts = {
            "incoterm": _("Incoterms 2020: who pays transport and insurance, and where."),
            "lead_time_days": _("Days from the order to delivery at the agreed point."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A prompt rather than Django's "---------" as the Incoterm's empty choice.
        incoterm = self.fields["incoterm"]
        incoterm.choices = [("", _("Choose an Incoterm")), *incoterm.choices[1:]]

    def clean_unit_price(self):
        price = self.cleaned_data["unit_price"]
        if price is not None and price <= 0:
            raise forms.ValidationError(_("The price must be greater than zero."))
        return price

    def clean_quantity(self):
        quantity = self.cleaned_data["quantity"]
        if quantity is not None and quantity <= 0:
            raise forms.ValidationError(_("The quantity must be greater than zero."))
        return quantity


class DeclineQuoteForm(forms.Form):
    reason = forms.CharField(label=_("Reason for the supplier"), max_length=300)


class OutcomeForm(forms.Form):
    answer = forms.ChoiceField(
        label=_("Did it lead to business?"),
        choices=IntroductionOutcome.Answer.choices,
        widget=forms.RadioSelect,
    )
    value_band = forms.ChoiceField(
        label=_("Approximate value (optional)"),
        choices=[("", _("I prefer not to say")), *ValueBand.choices],
        required=False,
    )
    product = forms.CharField(
        label=_("Product, HS code (optional)"),
        required=False,
        max_length=6,
        help_text=_("The 4 or 6 digits of the product you traded, e.g. 080610."),
    )

    def clean_product(self):
        code = self.cleaned_data["product"].strip()
        if not code:
            return None
        hs_code = HSCode.objects.selectable().filter(code=code).first()
        if hs_code is None:
            raise forms.ValidationError(
                _("We do not know the HS code %(code)s; write 4 or 6 digits.") % {"code": code}
            )
        return hs_code
