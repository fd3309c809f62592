from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import Notification, ReminderLog


@admin.register(ReminderLog)
class ReminderLogAdmin(admin.ModelAdmin):
    """Read-only: the log is the engine's memory of what it sent."""

    list_display = [
        "created_at",
        "kind",
        "stage",
        "due_date",
        "object_id",
        "recipient",
        "status",
        "attempts",
        "sent_at",
    ]
    list_filter = ["kind", "stage", "status"]
    search_fields = ["recipient__username", "recipient__email", "last_error"]
    list_select_related = ["recipient"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "recipient", "message", "read_at"]
    search_fields = ["recipient__username", "message"]
    list_select_related = ["recipient"]
