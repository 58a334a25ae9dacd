from django import forms
from django.utils.translation import gettext_lazy as _

from companies.models import Membership


class PreferencesForm(forms.ModelForm):
    notify_min_score = forms.IntegerField(
        label=_("Minimum match score"),
        min_value=0,
        max_value=100,
        help_text=_("Only matches with this score or higher (0 to 100) are sent."),
    )

    class Meta:
        model = Membership
        fields = ["notify_frequency", "notify_min_score"]
        labels = {"notify_frequency": _("Email me")}
