"""Forms of the company set-up wizard, members and preferences."""

from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from companies import selectors, services
from companies.models import Certification, Company, Direction, Membership, Region, SizeBand, User
from companies.taxid import clean_tax_id
from opportunities.reference.forms import HSCodeField
from opportunities.reference.models import Sector
from tradeportal.i18n import Country
from tradeportal.text import legal_name
from tradeportal.uploads import check_image

LANGUAGE_CHOICES = [
    ("es", _("Spanish")),
    ("en", _("English")),
    ("pt", _("Portuguese")),
    ("fr", _("French")),
    ("de", _("German")),
    ("zh", _("Chinese")),
    ("qu", _("Quechua")),
]
LOGO_MAX_BYTES = 1024 * 1024


class RegionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Region) -> str:
        return obj.name


class CompanyIdentityForm(forms.ModelForm):
    """Step 1: who the company is."""

    region = RegionChoiceField(queryset=Region.objects.all(), label=_("State or region"))
    website = forms.URLField(label=_("website"), required=False, assume_scheme="https")
    # Room for the dashes and spaces people type; stored compact (12-13 characters).
    tax_id = forms.CharField(label=_("Tax id"), max_length=20)

    class Meta:
        model = Company
        fields = [
            "legal_name",
            "trade_name",
            "country",
            "tax_id",
            "region",
            "city",
            "website",
            "year_founded",
            "size",
        ]
        widgets = {
            "size": forms.RadioSelect,
            "year_founded": forms.NumberInput(attrs={"min": 1800}),
        }
        help_texts = {
            "tax_id": _(
                "Mexico: RFC (12 characters for a company, 13 for a person). Peru: RUC (11 digits)."
            )
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = self._grouped_regions()
        self.fields["size"].choices = SizeBand.choices  # radio buttons need no empty choice
        self.fields["country"].choices = [("", _("Choose a country")), *Country.choices]
        self.fields["tax_id"].help_text = self._meta.help_texts["tax_id"]
        if self.instance.pk:  # the country and tax id identify the company once it exists
            self.fields["country"].disabled = True
            self.fields["tax_id"].disabled = True

    @staticmethod
    def _grouped_regions():
        groups = {code: [] for code, _label in Country.choices}
        for region in Region.objects.all():
            groups[region.country].append((region.pk, region.name))
        return [("", _("Choose a state or region"))] + [
            (label, groups[code]) for code, label in Country.choices
        ]

    def clean_legal_name(self):
        return legal_name(self.cleaned_data["legal_name"])

    def clean_year_founded(self):
        year = self.cleaned_data.get("year_founded")
        if year is not None and not 1800 <= year <= 2100:
            raise ValidationError(_("Enter a year between 1800 and this year."))
        return year

    def clean(self):
        data = super().clean()
        country, region = data.get("country"), data.get("region")
        if country and region and region.country != country:
            self.add_error(
                "region",
                _("Choose a state or region of %(country)s.") % {"country": Country(country).label},
            )
        if self.instance.pk:
            return data
        if country and data.get("tax_id"):
            try:
                data["tax_id"] = clean_tax_id(country, data["tax_id"])
            except ValidationError as error:
                self.add_error("tax_id", error)
            else:
                if Company.objects.filter(country=country, tax_id=data["tax_id"]).exists():
                    self.add_error(
                        "tax_id",
                        _(
                            "A company with this tax id is already registered. "
                            "Ask its owner to invite you."
                        ),
                    )
        return data


class ProductForm(forms.Form):
    """Step 2: one product the company exports or wants to import."""

    hs_code = HSCodeField()
    direction = forms.ChoiceField(
        label=_("Direction"),
        choices=Direction.choices,
        widget=forms.RadioSelect,
        initial=Direction.EXPORT,
    )
    yearly_volume_usd = forms.DecimalField(
        label=_("Yearly volume (US$, optional)"),
        required=False,
        min_value=0,
        max_digits=14,
        decimal_places=0,
    )


class CompanyProfileForm(forms.ModelForm):
    """Step 3: sectors, certifications, languages, description, visibility."""

    sectors = forms.ModelMultipleChoiceField(
        queryset=Sector.objects.active(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label=_("Sectors"),
    )
    certifications = forms.MultipleChoiceField(
        choices=Certification.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label=_("Certifications"),
    )
    languages = forms.MultipleChoiceField(
        choices=LANGUAGE_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label=_("Languages spoken"),
    )

    contact_languages = forms.MultipleChoiceField(
        choices=LANGUAGE_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label=_("Languages of the contact"),
    )

    class Meta:
        model = Company
        fields = [
            "sectors",
            "certifications",
            "other_certifications",
            "languages",
            "description",
            "logo",
            "is_public",
            "contact_name",
            "contact_role",
            "contact_email",
            "contact_phone",
            "contact_languages",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 5, "maxlength": 2000})}
        help_texts = {
            "contact_name": _(
                "Shown only to firms whose interest you accept (or that accept yours), "
                "never on public pages."
            )
        }

    def clean_contact_phone(self):
        phone = self.cleaned_data.get("contact_phone", "").strip()
        digits = phone.replace(" ", "").replace("-", "").removeprefix("+")
        if phone and not (digits.isdigit() and 7 <= len(digits) <= 15):
            raise forms.ValidationError(
                _("Write the phone number with digits only, e.g. +51 987 654 321.")
            )
        return phone

    def clean_logo(self):
        logo = self.cleaned_data.get("logo")
        if logo:
            check_image(
                logo, max_bytes=LOGO_MAX_BYTES, too_big=_("The logo must be 1 MB or smaller.")
            )
        return logo


class NotificationForm(forms.ModelForm):
    """Step 4: how often this member hears of new matches, and in which language."""

    language = forms.ChoiceField(
        label=_("Language of the emails"), choices=User._meta.get_field("language").choices
    )

    class Meta:
        model = Membership
        fields = ["notify_frequency", "notify_min_score"]
        widgets = {
            "notify_frequency": forms.RadioSelect,
            "notify_min_score": forms.NumberInput(attrs={"min": 0, "max": 100}),
        }

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["language"].initial = user.language

    def clean_notify_min_score(self):
        score = self.cleaned_data["notify_min_score"]
        if not 0 <= score <= 100:
            raise ValidationError(_("Choose a score between 0 and 100."))
        return score


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("Colleague's email"))


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Token name"),
        max_length=80,
        help_text=_("What the token is for, e.g. “ERP sync”, so you can tell your tokens apart."),
    )


class SignupForm(AllauthSignupForm):
    """allauth's sign-up with the consent to the privacy notice in force, recorded with its
    version (Peru's Law 29733 asks for informed, express consent)."""

    privacy = forms.BooleanField(
        label=_("I have read and accept the privacy notice"),
        error_messages={"required": _("Accept the privacy notice to create your account.")},
    )

    def save(self, request):
        user = super().save(request)
        notice = selectors.current_privacy_notice()
        if notice is not None:
            services.record_privacy_consent(user=user, notice=notice, at_signup=True)
        return user
