from __future__ import annotations

from django.contrib import admin

from common.admin import ViewOnlyAdmin

from .models import Case


@admin.register(Case)
class CaseAdmin(ViewOnlyAdmin):
    """Read-only: cases are recorded and decided in the portal, where each change is audited."""

    list_display = ["pk", "person", "occurred_on", "section", "outcome", "recorded_at"]
    list_filter = ["outcome"]
    list_select_related = ["person__user", "section"]
