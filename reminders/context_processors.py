from __future__ import annotations

from django.http import HttpRequest

from .selectors import unread_count_of


def unread_notifications(request: HttpRequest) -> dict[str, int]:
    """The unread count beside the bell in the navigation (one indexed count per page)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": unread_count_of(user)}
