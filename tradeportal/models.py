"""The email outbox: every email is written here first, then sent by a task.

The table keeps the name it had in the opportunities app (moved with a state-only migration)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class OutboxEmail(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    key = models.CharField(_("unique key"), max_length=200, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    to_email = models.EmailField(_("to"))
    template = models.CharField(_("template"), max_length=60)
    context = models.JSONField(_("context"), default=dict)
    language = models.CharField(_("language"), max_length=8, default="es")
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("outbox email")
        verbose_name_plural = _("outbox emails")
        db_table = "opportunities_outboxemail"
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="opportuniti_status_99d418_idx")
        ]

    def __str__(self) -> str:
        return f"{self.template} -> {self.to_email}"

    @property
    def message_id(self) -> str:
        """A stable Message-ID derived from the unique key, so a re-send is recognisable."""
        import hashlib

        digest = hashlib.sha256(self.key.encode()).hexdigest()[:32]
        return f"<{digest}@tradeportal>"
