from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .models import Notification, ReminderLog, stage_label


class StageFilter(admin.SimpleListFilter):
    """The stages the log holds, in words."""

    title = _("stage")
    parameter_name = "stage"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        stages = ReminderLog.objects.order_by("stage").values_list("stage", flat=True).distinct()
        return [(stage, stage_label(stage)) for stage in stages]

    def queryset(self, request: HttpRequest, queryset: QuerySet[ReminderLog]) -> QuerySet[ReminderLog]:
        return queryset.filter(stage=self.value()) if self.value() else queryset


@admin.register(ReminderLog)
class ReminderLogAdmin(admin.ModelAdmin):
    """Read-only: the log is the engine's memory of what it sent."""

    list_display = [
        "created_at",
        "kind",
        "stage_shown",
        "due_date",
        "object_id",
        "recipient",
        "status",
        "attempts",
        "sent_at",
    ]
    list_filter = ["kind", StageFilter, "status"]
    search_fields = ["recipient__username", "recipient__email", "last_error"]
    list_select_related = ["recipient"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    # In words, as the person's page shows it: the stored stage ("before-7") is the engine's key.
    @admin.display(description=_("stage"), ordering="stage")
    def stage_shown(self, reminder: ReminderLog) -> str:
        return reminder.stage_label


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "recipient", "message", "read_at"]
    search_fields = ["recipient__username", "message"]
    list_select_related = ["recipient"]
