"""Admin pages shared by the apps."""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib import admin
from django.http import HttpRequest


class ViewOnlyAdmin(admin.ModelAdmin):
    """Rows that services write: seen here (with the model's view permission, or `manage_permission`),
    never added, changed or deleted by hand. Actions that go through a service are added by each admin."""

    # The app's permission that also opens the list, e.g. "webhooks.manage_endpoint".
    manage_permission: ClassVar[str] = ""

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_view_permission(request, obj) or (
            bool(self.manage_permission) and request.user.has_perm(self.manage_permission)
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
