from __future__ import annotations

from typing import Any, cast

from django.contrib import admin, messages
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import services
from .models import ScimToken

MANAGE = "scim.manage_scimtoken"


def _administrator(request: HttpRequest) -> User:
    # The admin serves only signed-in staff accounts, never an anonymous visitor.
    return cast(User, request.user)


@admin.register(ScimToken)
class ScimTokenAdmin(admin.ModelAdmin):
    """SCIM tokens: made here and shown once, revoked here, never edited nor deleted (their audit trail stays)."""

    list_display = ["name", "prefix", "created_by", "created_at", "last_used_at", "revoked_at"]
    list_select_related = ["created_by"]
    readonly_fields = ["name", "prefix", "created_by", "created_at", "last_used_at", "revoked_at"]
    actions = ["revoke"]

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_view_permission(request, obj) or request.user.has_perm(MANAGE)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(MANAGE)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_revoke_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(MANAGE)

    def get_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return tuple(self.readonly_fields) if obj else ("name",)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return tuple(self.readonly_fields) if obj else ()

    def add_view(
        self, request: HttpRequest, form_url: str = "", extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        if request.method != "POST":
            return super().add_view(request, form_url, extra_context)
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = self.get_form(request)(request.POST)
        if not form.is_valid():
            return super().add_view(request, form_url, extra_context)
        token, secret = services.token_create(name=form.cleaned_data["name"], actor=_administrator(request))
        # The secret is shown on this one page and nowhere else: only its digest is kept.
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _t("SCIM token created"),
            "token": token,
            "secret": secret,
        }
        return TemplateResponse(request, "admin/scim/scimtoken/created.html", context)

    @admin.action(description=_("Revoke selected SCIM tokens"), permissions=["revoke"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[ScimToken]) -> None:
        tokens = list(queryset.filter(revoked_at__isnull=True))
        for token in tokens:
            services.token_revoke(token=token, actor=_administrator(request))
        self.message_user(
            request,
            ngettext("Revoked %(count)d SCIM token.", "Revoked %(count)d SCIM tokens.", len(tokens))
            % {"count": len(tokens)},
            messages.SUCCESS,
        )
