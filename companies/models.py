"""Users, companies, their products and members."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from companies.regions import Region
from tradeportal.i18n import Country


class EmailUserManager(UserManager):
    def create_user(self, email=None, password=None, **extra):
        return super().create_user(username=None, email=email, password=password, **extra)

    def create_superuser(self, email=None, password=None, **extra):
        return super().create_superuser(username=None, email=email, password=password, **extra)

    def _create_user(self, username, email, password, **extra):
        email = self.normalize_email(email)
        user = self.model(email=email, **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user


class User(AbstractUser):
    """A person; signs in with their email address."""

    username = None
    email = models.EmailField(_("email address"), unique=True)
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default="es"
    )
    last_dashboard_visit = models.DateTimeField(_("last dashboard visit"), null=True, blank=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []
    objects = EmailUserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.email


class SizeBand(models.TextChoices):
    MICRO = "micro", _("Micro (1-10 employees)")
    SMALL = "small", _("Small (11-50 employees)")
    MEDIUM = "medium", _("Medium (51-250 employees)")
    LARGE = "large", _("Large (251+ employees)")


class Certification(models.TextChoices):
    ISO_9001 = "iso9001", "ISO 9001"
    HACCP = "haccp", "HACCP"
    GLOBALGAP = "globalgap", "GlobalG.A.P."
    BASC = "basc", "BASC"
    AEO = "aeo", _("Authorised Economic Operator")
    ORGANIC = "organic", _("Organic")


SECTOR_BITS = 63  # a bigint's bits but its sign: sector n is bit n % 63


def sector_bits(sector_ids) -> int:
    """The bits of these sectors. Two sectors may share a bit (ids 63 apart): the bits tell
    surely when two firms share no sector, and that a firm has sectors at all."""
    bits = 0
    for sector_id in sector_ids:
        bits |= 1 << (sector_id % SECTOR_BITS)
    return bits


class CompanyQuerySet(models.QuerySet):
    def verified(self):
        return self.filter(status=Company.Status.VERIFIED)

    def in_directory(self):
        return self.verified().filter(is_public=True)

    def of_user(self, user):
        if not user.is_authenticated:
            return self.none()
        return self.filter(memberships__user=user)


class Company(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending verification")
        VERIFIED = "verified", _("Verified")
        REJECTED = "rejected", _("Rejected")

    legal_name = models.CharField(_("legal name"), max_length=200)
    trade_name = models.CharField(_("trade name"), max_length=200, blank=True)
    country = models.CharField(_("country"), max_length=2, choices=Country.choices)
    tax_id = models.CharField(
        _("tax id"), max_length=13, help_text=_("RFC in Mexico, RUC in Peru.")
    )
    region = models.ForeignKey(
        Region,
        verbose_name=_("state or region"),
        on_delete=models.PROTECT,
        related_name="companies",
    )
    city = models.CharField(_("city"), max_length=100, blank=True)
    website = models.URLField(_("website"), blank=True)
    year_founded = models.PositiveSmallIntegerField(_("year founded"), null=True, blank=True)
    size = models.CharField(_("size"), max_length=8, choices=SizeBand.choices)
    sectors = models.ManyToManyField(
        "opportunities.Sector", verbose_name=_("sectors"), related_name="companies", blank=True
    )
    # A bit for each of its sectors (`sector_bits`), kept by `services.set_sectors`: the
    # matching's bound on a counterpart reads it instead of the firm's sector links.
    sector_bits = models.BigIntegerField(_("sector bits"), default=0, editable=False)
    certifications = models.JSONField(_("certifications"), default=list, blank=True)
    other_certifications = models.CharField(_("other certifications"), max_length=300, blank=True)
    languages = models.JSONField(_("languages spoken"), default=list, blank=True)
    description = models.TextField(_("description"), max_length=2000, blank=True)
    logo = models.ImageField(_("logo"), upload_to="logos/", blank=True)
    # The contact card: shown only to a counterpart of an accepted introduction, never publicly.
    contact_name = models.CharField(_("contact person"), max_length=120, blank=True)
    contact_role = models.CharField(_("their role"), max_length=120, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    contact_phone = models.CharField(
        _("phone or WhatsApp"),
        max_length=30,
        blank=True,
        help_text=_("With the country code, e.g. +51 987 654 321."),
    )
    contact_languages = models.JSONField(_("languages of the contact"), default=list, blank=True)
    is_public = models.BooleanField(_("public page"), default=True)
    is_demo = models.BooleanField(_("demo data"), default=False)
    status = models.CharField(
        _("verification"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    status_reason = models.TextField(_("reason"), blank=True)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    # The next step of the set-up wizard; SETUP_DONE once the profile is complete.
    setup_step = models.PositiveSmallIntegerField(_("set-up step"), default=2)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    SETUP_DONE = 5

    objects = CompanyQuerySet.as_manager()

    class Meta:
        ordering = ["legal_name"]
        verbose_name = _("company")
        verbose_name_plural = _("companies")
        constraints = [
            models.UniqueConstraint(
                fields=["country", "tax_id"], name="company_tax_id_per_country"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "country"]),
            # The few companies not verified (nearly all are): the open opportunities leave out
            # their buyer requests, reading this index rather than every verified company.
            models.Index(
                fields=["id"],
                condition=~models.Q(status="verified"),
                name="company_unverified_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    def save(self, *args, update_fields=None, **kwargs):
        """Saved as usual, but for its sector bits once it exists: only `services.set_sectors`
        and `services.refresh_sector_bits` write them, so an instance read before its sectors
        changed (a form, a task) never writes its old bits back when it is saved."""
        if update_fields is None and not self._state.adding:
            deferred = self.get_deferred_fields()  # as Django saves only the fields loaded
            update_fields = [name for name in _SAVED_FIELDS if name not in deferred]
        super().save(*args, update_fields=update_fields, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("companies:detail", args=[self.pk])

    @property
    def display_name(self) -> str:
        return self.trade_name or self.legal_name

    @property
    def certification_labels(self) -> list[str]:
        """The certifications as people read them ("HACCP", "GlobalG.A.P."), not their codes."""
        labels = dict(Certification.choices)
        return [str(labels.get(code, code)) for code in self.certifications or []]


# what a save of an existing company writes: every field but its primary key and sector bits
_SAVED_FIELDS = tuple(
    field.attname
    for field in Company._meta.concrete_fields
    if not field.primary_key and field.name != "sector_bits"
)


class Direction(models.TextChoices):
    EXPORT = "export", _("Exports")
    IMPORT = "import", _("Wants to import")


class CompanyProduct(models.Model):
    """An HS code a company exports, or wants to import."""

    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="products", verbose_name=_("company")
    )
    hs_code = models.ForeignKey(
        "opportunities.HSCode",
        verbose_name=_("HS code"),
        on_delete=models.PROTECT,
        related_name="company_products",
    )
    direction = models.CharField(_("direction"), max_length=6, choices=Direction.choices)
    yearly_volume_usd = models.DecimalField(
        _("yearly volume (US$)"), max_digits=14, decimal_places=0, null=True, blank=True
    )

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        constraints = [
            models.UniqueConstraint(
                fields=["company", "hs_code", "direction"], name="company_product_once"
            ),
        ]
        indexes = [
            models.Index(fields=["hs_code", "direction"]),
            # a code's first firms by id, read in order: the matching engine's counterparts
            models.Index(fields=["direction", "hs_code", "company"], name="product_direction_code"),
        ]

    def __str__(self) -> str:
        return f"{self.get_direction_display()} {self.hs_code_id}"


class NotificationFrequency(models.TextChoices):
    INSTANT = "instant", _("Instant")
    DAILY = "daily", _("Daily digest")
    WEEKLY = "weekly", _("Weekly digest")
    NONE = "none", _("None")


class Membership(models.Model):
    """A user's place in a company, with their notification preferences for it."""

    class Role(models.TextChoices):
        OWNER = "owner", _("Owner")
        MEMBER = "member", _("Member")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("user"),
    )
    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("company")
    )
    role = models.CharField(_("role"), max_length=6, choices=Role.choices, default=Role.MEMBER)
    notify_frequency = models.CharField(
        _("notifications"),
        max_length=8,
        choices=NotificationFrequency.choices,
        default=NotificationFrequency.WEEKLY,
    )
    notify_min_score = models.PositiveSmallIntegerField(_("minimum match score"), default=50)
    last_digest_at = models.DateTimeField(_("last digest"), null=True, blank=True)
    created_at = models.DateTimeField(_("joined"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "company"], name="membership_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.company}"


class Invitation(models.Model):
    """An owner's invitation for a colleague to join the company."""

    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("company")
    )
    email = models.EmailField(_("email"))
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("invited by"),
    )
    token = models.CharField(max_length=64, unique=True, verbose_name=_("token"))
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self) -> str:
        return self.email


class ApiTokenQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True, user__is_active=True)


class ApiToken(models.Model):
    """A personal API token: the key is shown once at creation; only its SHA-256 is kept."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("user"),
    )
    name = models.CharField(_("name"), max_length=80)
    # The first characters of the key, so the owner can tell tokens apart (never enough to use).
    prefix = models.CharField(_("prefix"), max_length=12)
    key_hash = models.CharField(
        max_length=64, unique=True, editable=False, verbose_name=_("key hash")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class PrivacyNoticeQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published_at__isnull=False, published_at__lte=timezone.now())

    def current(self) -> "PrivacyNotice | None":
        """The notice in force: the highest published version."""
        return self.published().order_by("-version").first()


class PrivacyNotice(models.Model):
    """The privacy notice ("aviso de privacidad"), one row per version; a published version is
    never edited (staff save a new one), so every consent names the text that was accepted."""

    version = models.PositiveIntegerField(_("version"), unique=True)
    responsible = models.TextField(
        _("responsible party"), help_text=_("Name, address and contact of who is responsible.")
    )
    contact_email = models.EmailField(_("privacy contact email"))
    body_es = models.TextField(
        _("text (Spanish)"),
        help_text=_("Paragraphs separated by a blank line; a line starting with # is a heading."),
    )
    body_en = models.TextField(_("text (English)"))
    changes = models.TextField(
        _("what changed"), blank=True, help_text=_("Shown to signed-in users asked to accept it.")
    )
    published_at = models.DateTimeField(
        _("in force from"), null=True, blank=True, help_text=_("Empty while it is a draft.")
    )
    objects = PrivacyNoticeQuerySet.as_manager()

    class Meta:
        verbose_name = _("privacy notice")
        verbose_name_plural = _("privacy notices")
        ordering = ["-version"]

    def __str__(self) -> str:
        return _("Privacy notice, version %(version)s") % {"version": self.version}

    def sections(self, language: str) -> list[tuple[str, list[str]]]:
        """(heading, paragraphs) in `language` (Spanish unless English), from the text's
        blank-line paragraphs and "# " headings."""
        text = self.body_en if language == "en" and self.body_en.strip() else self.body_es
        sections: list[tuple[str, list[str]]] = [("", [])]
        for block in text.replace("\r\n", "\n").split("\n\n"):
            block = block.strip()
            if block.startswith("# "):
                heading, _sep, rest = block.partition("\n")
                sections.append((heading[2:].strip(), [rest.strip()] if rest.strip() else []))
            elif block:
                sections[-1][1].append(block)
        return [s for s in sections if s[0] or s[1]]


class PrivacyConsent(models.Model):
    """A user's acceptance of one version of the privacy notice (at sign-up or later)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="privacy_consents"
    )
    notice = models.ForeignKey(PrivacyNotice, on_delete=models.PROTECT, related_name="consents")
    accepted_at = models.DateTimeField(_("accepted at"), auto_now_add=True)
    at_signup = models.BooleanField(_("at sign-up"), default=False)

    class Meta:
        verbose_name = _("privacy consent")
        verbose_name_plural = _("privacy consents")
        constraints = [
            models.UniqueConstraint(fields=["user", "notice"], name="one_consent_per_version")
        ]

    def __str__(self) -> str:
        return f"{self.user} · v{self.notice.version}"
