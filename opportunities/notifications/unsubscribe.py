"""One-click unsubscribe (RFC 8058): a signed link turns a membership's notifications off."""

from companies.models import Membership, NotificationFrequency
from opportunities.notifications.content import membership_from_token


def unsubscribe(token: str) -> Membership | None:
    """Turn off the notifications the token was signed for; None when the token is not valid."""
    membership_id = membership_from_token(token)
    if membership_id is None:
        return None
    membership = Membership.objects.select_related("company").filter(id=membership_id).first()
    if membership is None:
        return None
    if membership.notify_frequency != NotificationFrequency.NONE:
        membership.notify_frequency = NotificationFrequency.NONE
        membership.save(update_fields=["notify_frequency"])
    return membership
