"""Quotes: a verified supplier's answer to a published buyer request (as on an RFQ board)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from opportunities.models.opportunity import Incoterm


class Currency(models.TextChoices):
    USD = "USD", _("US dollars (USD)")
    MXN = "MXN", _("Mexican pesos (MXN)")
    PEN = "PEN", _("Peruvian soles (PEN)")


class Quote(models.Model):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        SHORTLISTED = "shortlisted", _("Shortlisted")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")

    request = models.ForeignKey(
        "opportunities.Opportunity",
        verbose_name=_("buyer request"),
        on_delete=models.CASCADE,
        related_name="quotes",
    )
    supplier = models.ForeignKey(
        "companies.Company",
        verbose_name=_("supplier"),
        on_delete=models.CASCADE,
        related_name="quotes",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    unit_price = models.DecimalField(_("unit price"), max_digits=14, decimal_places=2)
    currency = models.CharField(
        _("currency"), max_length=3, choices=Currency.choices, default=Currency.USD
    )
    quantity = models.DecimalField(_("quantity"), max_digits=16, decimal_places=3)
    unit = models.CharField(_("unit"), max_length=30, blank=True)
    incoterm = models.CharField(_("Incoterm 2020"), max_length=3, choices=Incoterm.choices)
    lead_time_days = models.PositiveSmallIntegerField(_("lead time (days)"))
    valid_until = models.DateField(_("valid until"))
    message = models.TextField(_("message"), max_length=2000, blank=True)
    status = models.CharField(
        _("status"), max_length=11, choices=Status.choices, default=Status.SUBMITTED
    )
    decline_reason = models.CharField(_("reason"), max_length=300, blank=True)
    # The introduction an accepted quote opened.
    interest = models.ForeignKey(
        "opportunities.Interest",
        verbose_name=_("introduction"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("quote")
        verbose_name_plural = _("quotes")
        constraints = [
            models.UniqueConstraint(fields=["request", "supplier"], name="quote_once_per_supplier"),
            models.CheckConstraint(
                condition=models.Q(unit_price__gt=0), name="quote_price_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(quantity__gt=0), name="quote_quantity_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.supplier_id} → {self.request_id}: {self.unit_price} {self.currency}"

    @property
    def total(self):
        return self.unit_price * self.quantity
