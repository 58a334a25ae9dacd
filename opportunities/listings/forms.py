"""The buyer request form."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from companies.models import Certification
from opportunities.listings.models import Opportunity
from opportunities.reference.forms import HSCodeField


class BuyerRequestForm(forms.ModelForm):
    hs_code = HSCodeField(
        help_text=_("The heading (4 digits) or subheading (6 digits) you want to buy.")
    )
    required_certifications = forms.MultipleChoiceField(
        choices=Certification.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label=_("Required certifications"),
    )
    deadline = forms.DateTimeField(
        label=_("Deadline"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )

    class Meta:
        model = Opportunity
        fields = [
            "title",
            "description",
            "hs_code",
            "quantity",
            "unit",
            "target_price_usd",
            "incoterm",
            "destination",
            "deadline",
            "required_certifications",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title"].required = True
        if self.instance.pk:
            self.initial["hs_code"] = self.instance.hs_code_id

    def clean_quantity(self):
        quantity = self.cleaned_data.get("quantity")
        if quantity is not None and quantity <= 0:
            raise ValidationError(_("Enter a quantity greater than zero."))
        return quantity
