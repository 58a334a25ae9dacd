"""The email outbox: every email is written here first, then sent by a task."""

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
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.template} -> {self.to_email}"

    @property
    def message_id(self) -> str:
        """A stable Message-ID derived from the unique key, so a re-send is recognisable."""
        import hashlib

        digest = hashlib.sha256(self.key.encode()).hexdigest()[:32]
        return f"<{digest}@tradeportal>"


class InstantBatch(models.Model):
    """A member with instant notifications has new matches: one email gathers them when the
    window (INSTANT_BATCH_MINUTES) closes, instead of one email per match."""

    membership = models.OneToOneField(
        "companies.Membership", on_delete=models.CASCADE, related_name="instant_batch"
    )
    due_at = models.DateTimeField(_("due"), db_index=True)

    class Meta:
        verbose_name = _("instant notification batch")
        verbose_name_plural = _("instant notification batches")

    def __str__(self) -> str:
        return f"{self.membership_id} @ {self.due_at:%H:%M}"


class InstantNotice(models.Model):
    """A match a member was told about by an instant email: never told twice."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    match_id = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "match_id"], name="instant_notice_once")
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.match_id}"
