"""Models of the notifications: the batches of instant match emails and what each member was
told (app label "opportunities", listed in opportunities.models)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


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
