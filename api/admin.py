from __future__ import annotations

from typing import Any, cast

from django.contrib import admin, messages
from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from common.admin import ViewOnlyAdmin

from . import tokens
from .models import ApiToken

MANAGE = "api.manage_apitoken"


class RevokedFilter(admin.SimpleListFilter):
    title = _("revoked")
    parameter_name = "revoked"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("yes", _("Revoked")), ("no", _("Not revoked"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> QuerySet[ApiToken]:
        if self.value() in {"yes", "no"}:
            return queryset.filter(revoked_at__isnull=self.value() == "no")
        return queryset


@admin.register(ApiToken)
class ApiTokenAdmin(ViewOnlyAdmin):
    """Every person's API tokens: seen by those with `api.view_apitoken`, revoked by those with
    `api.manage_apitoken`. Made only by their owner on their profile page, never edited nor deleted here
    (their audit trail stays), and no secret is ever shown: only its digest is kept."""

    list_display = ["name", "owner", "prefix", "scope", "expires_at", "last_used_at", "revoked_at"]
    list_select_related = ["owner"]
    list_filter = ["scope", RevokedFilter]
    search_fields = ["name", "prefix", "owner__username", "owner__first_name", "owner__last_name"]
    readonly_fields = ["name", "owner", "prefix", "scope", "created_at", "expires_at", "last_used_at", "revoked_at"]
    actions = ["revoke"]
    manage_permission = MANAGE

    def has_revoke_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(MANAGE)

    @admin.action(description=_("Revoke selected API tokens"), permissions=["revoke"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        chosen = list(queryset.filter(revoked_at__isnull=True).select_related("owner"))
        for token in chosen:
            tokens.token_revoke(token=token, actor=cast(User, request.user))
        self.message_user(
            request,
            ngettext("Revoked %(count)d API token.", "Revoked %(count)d API tokens.", len(chosen))
            % {"count": len(chosen)},
            messages.SUCCESS,
        )
