"""Daily and weekly digests: the new matches since the member's last digest, best first.

A member with no new match gets no email (an empty digest is never sent). Each digest's key names
the membership and the period, so running the beat task twice never sends two digests."""

from django.db import transaction
from django.utils import timezone

from companies.models import Membership, NotificationFrequency
from opportunities.notifications import content, selectors
from tradeportal.models import OutboxEmail
from tradeportal.outbox import enqueue_many

DIGEST_MAX_ITEMS = 15


def period_of(frequency: str, now) -> str:
    local = timezone.localtime(now)
    if frequency == NotificationFrequency.WEEKLY:
        year, week, _ = local.isocalendar()
        return f"{year}-W{week:02d}"
    return local.date().isoformat()


def digest_email(membership, matches: list, total: int, period: str, names=None) -> OutboxEmail:
    user = membership.user
    language = user.language or "es"
    return OutboxEmail(
        key=f"digest:{membership.id}:{period}",
        user=user,
        to_email=user.email,
        template="digest",
        language=language,
        context={
            "company": str(membership.company),
            "frequency": membership.notify_frequency,
            "matches": content.match_items(matches, language, names),
            "total": total,
            "more": max(total - len(matches), 0),
            "matches_url": content.site_url("opportunities:dashboard", language),
            **content.unsubscribe_links(membership.id, language),
        },
    )


def queue_digests(frequency: str, now=None, chunk: int = 500) -> int:
    """Queue one digest per member with this frequency who has new matches. Returns how many."""
    now = now or timezone.now()
    period = period_of(frequency, now)
    queued = 0
    ids = list(
        selectors.notifiable_memberships(frequency).order_by("id").values_list("id", flat=True)
    )
    for start in range(0, len(ids), chunk):
        with transaction.atomic():
            memberships = list(
                selectors.notifiable_memberships(frequency)
                .filter(id__in=ids[start : start + chunk])
                .select_for_update(of=("self",), skip_locked=True)
            )
            rows, told = [], []
            new = selectors.new_matches_for_many(memberships)
            names = content.product_names([m for found in new.values() for m in found])
            for membership in memberships:
                found = new[membership.id]
                if not found:
                    continue
                top = found[:DIGEST_MAX_ITEMS]
                rows.append(digest_email(membership, top, len(found), period, names))
                told.append(membership.id)
            queued += enqueue_many(rows)
            Membership.objects.filter(id__in=told).update(last_digest_at=now)
    return queued
