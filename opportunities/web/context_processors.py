"""The unread-message count shown in the navigation of signed-in members."""

from opportunities.matching import conversations


def unread_messages(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_messages": conversations.unread_count(user)}
