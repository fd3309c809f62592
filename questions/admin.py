from __future__ import annotations

from django.contrib import admin

from .models import Question


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    """Read-only: questions are asked and answered in the portal, where the audit log records it."""

    list_display = ["version", "section", "status", "asked_at", "answered_at", "is_faq"]
    list_filter = ["status", "is_faq", "consider_in_next_version"]
    list_select_related = ["version", "section"]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False
