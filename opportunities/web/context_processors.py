"""The unread-message count shown in the navigation of signed-in members."""

from opportunities.matching import conversations


def unread_by_interest(request) -> dict[int, int]:
    """The user's unread messages per introduction, read once per request: the interests page
    and the menu's count share one query."""
    unread = getattr(request, "_unread_by_interest", None)
    if unread is None:
        unread = conversations.unread_by_interest(request.user)
        request._unread_by_interest = unread
    return unread


def unread_messages(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_messages": sum(unread_by_interest(request).values())}
