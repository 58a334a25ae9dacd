"""Opportunities: market demand from trade data, buyer requests from firms, curated by staff."""

from django.conf import settings
from django.db import models
from django.db.models import F
from django.db.models.functions import Now, Substr
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tradeportal.i18n import Country


class Incoterm(models.TextChoices):
    EXW = "EXW", "EXW"
    FCA = "FCA", "FCA"
    FOB = "FOB", "FOB"
    CFR = "CFR", "CFR"
    CIF = "CIF", "CIF"
    CPT = "CPT", "CPT"
    CIP = "CIP", "CIP"
    DAP = "DAP", "DAP"
    DPU = "DPU", "DPU"
    DDP = "DDP", "DDP"


class OpportunityQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Opportunity.Status.PUBLISHED)

    def open(self):
        """Published and not past its deadline (the database's clock, when the query runs: the
        same queryset may be built once and used again, as open_opportunities() is)."""
        return self.published().filter(
            models.Q(deadline__isnull=True) | models.Q(deadline__gte=Now())
        )


class Opportunity(models.Model):
    class Kind(models.TextChoices):
        DEMAND = "demand", _("Market demand")
        REQUEST = "request", _("Buyer request")
        CURATED = "curated", _("Curated")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PENDING = "pending", _("Awaiting moderation")
        PUBLISHED = "published", _("Published")
        REJECTED = "rejected", _("Rejected")
        CLOSED = "closed", _("Closed")

    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    title = models.CharField(_("title"), max_length=200, blank=True)
    description = models.TextField(_("description"), max_length=5000, blank=True)
    market_country = models.CharField(_("market"), max_length=2, choices=Country.choices)
    market_region = models.ForeignKey(
        "companies.Region",
        verbose_name=_("state or region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="opportunities",
    )
    hs_code = models.ForeignKey(
        "opportunities.HSCode",
        verbose_name=_("HS code"),
        on_delete=models.PROTECT,
        related_name="opportunities",
    )
    sector = models.ForeignKey(
        "opportunities.Sector",
        verbose_name=_("sector"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="opportunities",
    )
    value_usd = models.DecimalField(
        _("value (US$)"),
        max_digits=18,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Market imports for demand; estimated order value for requests."),
    )

    # Market demand: the numbers behind it (method on the methodology page).
    imports_world_usd = models.DecimalField(
        _("imports from the world (US$)"), max_digits=18, decimal_places=2, null=True, blank=True
    )
    imports_partner_usd = models.DecimalField(
        _("imports from the partner (US$)"), max_digits=18, decimal_places=2, null=True, blank=True
    )
    growth_pct = models.FloatField(_("growth (%/year)"), null=True, blank=True)
    potential_usd = models.DecimalField(
        _("export potential (US$)"), max_digits=18, decimal_places=2, null=True, blank=True
    )
    unrealised_usd = models.DecimalField(
        _("unrealised potential (US$)"), max_digits=18, decimal_places=2, null=True, blank=True
    )
    period_start = models.PositiveSmallIntegerField(_("first year"), null=True, blank=True)
    period_end = models.PositiveSmallIntegerField(_("last year"), null=True, blank=True)
    is_thin_data = models.BooleanField(_("thin data"), default=False)
    # The months of the last year the figures cover, when less than the whole year (a
    # DataMéxico state file holds one month): [12] reads "December 2024, 1 month".
    period_months = models.JSONField(_("months of the last year"), default=list, blank=True)
    # Series behind the charts, precomputed at generation so pages never scan the trade table:
    # {"years": [...], "world": [...], "partner": [...], "origins": [[alpha3, value], ...]}.
    figures = models.JSONField(_("figures"), default=dict, blank=True)
    dataset = models.ForeignKey(
        "opportunities.TradeDataset",
        verbose_name=_("data source"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="opportunities",
    )
    # Identity of a generated demand opportunity (market, region, HS), so regeneration upserts.
    demand_key = models.CharField(
        max_length=40,
        null=True,
        blank=True,
        unique=True,
        editable=False,
        verbose_name=_("demand key"),
    )

    # Buyer request.
    company = models.ForeignKey(
        "companies.Company",
        verbose_name=_("buyer"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="buyer_requests",
    )
    quantity = models.DecimalField(
        _("quantity"), max_digits=16, decimal_places=3, null=True, blank=True
    )
    unit = models.CharField(_("unit"), max_length=30, blank=True)
    target_price_usd = models.DecimalField(
        _("target unit price (US$)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    incoterm = models.CharField(_("Incoterm"), max_length=3, choices=Incoterm.choices, blank=True)
    destination = models.CharField(_("destination"), max_length=200, blank=True)
    required_certifications = models.JSONField(
        _("required certifications"), default=list, blank=True
    )
    moderation_note = models.TextField(_("moderation note"), blank=True)

    # Curated.
    source_url = models.URLField(_("source link"), blank=True)

    deadline = models.DateTimeField(_("deadline"), null=True, blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # Lower-case, accent-free text of title, description and HS descriptions (both languages).
    search_text = models.TextField(editable=False, default="", verbose_name=_("search text"))

    objects = OpportunityQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-pk"]
        verbose_name = _("opportunity")
        verbose_name_plural = _("opportunities")
        indexes = [
            models.Index(fields=["status", "kind", "market_country"]),
            models.Index(fields=["status", "-published_at"]),
            models.Index(fields=["status", "deadline"]),
            models.Index(fields=["status", "-value_usd"]),
            # Each sort of the browse page and the API (filters.SORTS) read in its index's
            # order, so a page stops after its rows instead of sorting every open opportunity.
            # The sorts with NULLS LAST have theirs on PostgreSQL only (migration 0021: SQLite
            # has no such index).
            models.Index(fields=["status", "-value_usd", "-id"], name="opportunity_by_value_idx"),
            models.Index(fields=["status", "-published_at", "-id"], name="opportunity_newest_idx"),
            # An opportunity page's related ones, the largest of its HS chapter: read in this
            # index's order, five rows, however rare the chapter.
            models.Index(
                Substr("hs_code", 1, 2),
                F("value_usd").desc(),
                F("id").desc(),
                condition=models.Q(status="published", value_usd__isnull=False),
                name="opportunity_chapter_value_idx",
            ),
            # Counting the browse page's results without search words reads this index only.
            models.Index(
                fields=["market_country", "kind", "company", "deadline"],
                condition=models.Q(status="published"),
                name="opportunity_open_browse_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.title or f"{self.get_kind_display()} {self.hs_code_id} {self.market_country}"

    def get_absolute_url(self) -> str:
        return reverse("opportunities:detail", args=[self.pk])
