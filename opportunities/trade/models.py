"""Trade statistics: one model for DataMéxico, CEPII BACI, UN Comtrade and the article's figures."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TradeDataset(models.Model):
    """One imported file (or set of figures); re-importing it replaces its rows."""

    class Source(models.TextChoices):
        DATAMEXICO = "datamexico", "DataMéxico"
        BACI = "baci", "CEPII BACI"
        COMTRADE = "comtrade", "UN Comtrade"
        ARTICLE = "article", _("Article figures")
        DEMO = "demo", _("demo (synthetic)")

    source = models.CharField(_("source"), max_length=12, choices=Source.choices)
    name = models.CharField(
        _("name"), max_length=200, help_text=_("File name or label; identifies the dataset.")
    )
    version = models.CharField(_("version"), max_length=60, blank=True)
    is_synthetic = models.BooleanField(_("synthetic"), default=False)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    period_start = models.PositiveIntegerField(_("first period"), null=True, blank=True)
    period_end = models.PositiveIntegerField(_("last period"), null=True, blank=True)
    imported_at = models.DateTimeField(_("imported"), auto_now=True)

    class Meta:
        ordering = ["-imported_at"]
        verbose_name = _("trade dataset")
        verbose_name_plural = _("trade datasets")
        constraints = [
            models.UniqueConstraint(fields=["source", "name"], name="trade_dataset_once"),
        ]

    def __str__(self) -> str:
        return f"{self.get_source_display()}: {self.name}"


class Flow(models.TextChoices):
    IMPORT = "M", _("Import")
    EXPORT = "X", _("Export")
    BALANCE = "B", _("Trade balance")


class TradeFlow(models.Model):
    """One statistic: reporter (and its state), partner, flow, HS code, period, value.

    A bulk fact table (millions of rows, loaded with COPY): no foreign-key constraints and no
    secondary indexes, which would make each import several times slower. Importers validate
    every reference; pages read the aggregates that market-demand generation derives from it.
    On PostgreSQL the table is partitioned by id range, one partition per imported dataset
    (see opportunities/trade/storage.py); rows created through the ORM get sequence ids and
    land in the default partition.
    """

    dataset = models.ForeignKey(
        TradeDataset,
        on_delete=models.CASCADE,
        related_name="flows",
        db_constraint=False,
        db_index=False,
    )
    # ISO 3166-1 alpha-3 (MEX, PER), "WLD" for the world; other codes as the source gives them.
    reporter = models.CharField(_("reporter"), max_length=3)
    region = models.ForeignKey(
        "companies.Region",
        verbose_name=_("reporter's state or region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="trade_flows",
        db_constraint=False,
        db_index=False,
    )
    partner = models.CharField(_("partner"), max_length=3)
    flow = models.CharField(_("flow"), max_length=1, choices=Flow.choices)
    # Codes are validated against the HS table at import time; no constraint, so COPY stays fast.
    hs_code = models.ForeignKey(
        "opportunities.HSCode",
        verbose_name=_("HS code"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
        null=True,
        blank=True,
        help_text=_("Empty for a total over all products."),
    )
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    month = models.PositiveSmallIntegerField(_("month"), null=True, blank=True)
    value_usd = models.DecimalField(_("value (US$)"), max_digits=18, decimal_places=2)
    quantity = models.DecimalField(
        _("quantity"), max_digits=20, decimal_places=3, null=True, blank=True
    )
    # Database defaults let COPY leave out the columns a format never fills.
    quantity_unit = models.CharField(_("unit"), max_length=12, blank=True, db_default="")
    label = models.CharField(
        _("label"),
        max_length=200,
        blank=True,
        db_default="",
        help_text=_("What a headline figure describes."),
    )

    class Meta:
        verbose_name = _("trade flow")
        verbose_name_plural = _("trade flows")

    def __str__(self) -> str:
        return f"{self.reporter}-{self.partner} {self.flow} {self.hs_code_id} {self.year}"


class TradeUpload(models.Model):
    """A trade data file a staff member uploaded in the admin, imported by a worker."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        DONE = "done", _("Imported")
        REJECTED = "rejected", _("Rejected")

    file = models.FileField(_("file"), upload_to="imports/%Y/%m/")
    format = models.CharField(
        _("format"),
        max_length=12,
        choices=[
            (TradeDataset.Source.DATAMEXICO, "DataMéxico (CSV)"),
            (TradeDataset.Source.BACI, "CEPII BACI (CSV)"),
            (TradeDataset.Source.COMTRADE, "UN Comtrade (CSV)"),
        ],
    )
    name = models.CharField(
        _("dataset name"),
        max_length=200,
        blank=True,
        help_text=_("Leave empty to use the file name. The same name replaces that dataset."),
    )
    version = models.CharField(_("version"), max_length=60, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    message = models.TextField(_("result"), blank=True)
    dataset = models.ForeignKey(
        TradeDataset, null=True, blank=True, on_delete=models.SET_NULL, related_name="uploads"
    )
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("trade data upload")
        verbose_name_plural = _("trade data uploads")

    def __str__(self) -> str:
        return self.name or self.file.name.rsplit("/", 1)[-1]
