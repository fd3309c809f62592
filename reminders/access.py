"""Finding a notification for a user: 404 when it is not theirs (nobody sees another's notifications)."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.shortcuts import get_object_or_404

from .models import Notification
from .selectors import notifications_of


def get_notification_for_user(user: User, pk: int) -> Notification:
    return get_object_or_404(notifications_of(user), pk=pk)
