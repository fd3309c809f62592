from __future__ import annotations

from typing import Any

from django.apps import apps
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from common.admin import ViewOnlyAdmin

from .actions import registered
from .models import AuditEvent


class ActionFilter(admin.SimpleListFilter):
    """The registered actions, by label: the admin's own filter would run a DISTINCT over the whole log."""

    title = _("action")
    parameter_name = "action"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return sorted(((action.code, str(action.label)) for action in registered()), key=lambda choice: choice[1])

    def queryset(self, request: HttpRequest, queryset: QuerySet[AuditEvent]) -> QuerySet[AuditEvent]:
        return queryset.filter(action=self.value()) if self.value() else queryset


class ObjectTypeFilter(admin.SimpleListFilter):
    """The kinds of object an event can be about (every installed model), not a DISTINCT over the whole log."""

    title = _("object type")
    parameter_name = "object_type"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        models = ((model._meta.label_lower, str(model._meta.verbose_name)) for model in apps.get_models())
        return sorted(models, key=lambda choice: choice[1])

    def queryset(self, request: HttpRequest, queryset: QuerySet[AuditEvent]) -> QuerySet[AuditEvent]:
        return queryset.filter(object_type=self.value()) if self.value() else queryset


@admin.register(AuditEvent)
class AuditEventAdmin(ViewOnlyAdmin):
    list_display = ["created_at", "actor", "action", "object_repr"]
    # Django's date filter offers fixed ranges (today, the past 7 days, this month, this year); a
    # date_hierarchy would list its dates with a DISTINCT over the whole log on every page.
    list_filter = [ActionFilter, ObjectTypeFilter, "created_at"]
    search_fields = ["object_repr", "action", "actor__username"]
    list_select_related = ["actor"]
