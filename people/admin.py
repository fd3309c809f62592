from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import services
from .models import Department, StaffProfile

User = get_user_model()


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "parent"]
    list_select_related = ["parent"]
    search_fields = ["name", "code"]
    autocomplete_fields = ["parent"]


@admin.register(StaffProfile)
class StaffProfileAdmin(admin.ModelAdmin):
    list_display = ["employee_id", "full_name", "department", "manager", "job_title", "is_active"]
    list_select_related = ["user", "department", "manager__user"]
    list_filter = ["department", "user__is_active", "preferred_language"]
    search_fields = ["employee_id", "user__username", "user__first_name", "user__last_name", "job_title"]
    autocomplete_fields = ["user", "department", "manager"]

    @admin.display(description=_("active"), boolean=True, ordering="user__is_active")
    def is_active(self, profile: StaffProfile) -> bool:
        return profile.user.is_active


class StaffProfileInline(admin.StackedInline):
    model = StaffProfile
    fk_name = "user"
    can_delete = False
    autocomplete_fields = ["department", "manager"]


admin.site.unregister(User)


@admin.register(User)
class PortalUserAdmin(UserAdmin):
    inlines = [StaffProfileInline]
    list_display = ["username", "first_name", "last_name", "email", "is_active", "is_staff"]
    actions = ["deactivate_people"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str] | tuple[str, ...]:
        # Only a superuser may hand out superuser status or one-off permissions;
        # everyone else gives people roles, so no administrator can raise their own rights.
        readonly = super().get_readonly_fields(request, obj)
        if request.user.is_superuser:
            return readonly
        return [*readonly, "is_superuser", "user_permissions"]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        # The "active" tick goes through the services, which end a leaver's open sessions straight
        # away, record who did it, and tell the other apps (a leaver's requests are marked left, a
        # returner's asked again). The form's other changes are saved with the old value first.
        toggled = change and "is_active" in form.changed_data
        active = obj.is_active
        if toggled:
            obj.is_active = not active
        super().save_model(request, obj, form, change)
        if toggled:
            change_activity = services.person_reactivate if active else services.person_deactivate
            change_activity(user=obj, actor=request.user)

    @admin.action(description=_("Deactivate the selected people and end their sessions"))
    def deactivate_people(self, request: HttpRequest, queryset: QuerySet) -> None:
        for user in queryset:
            services.person_deactivate(user=user, actor=request.user)
        count = queryset.count()
        self.message_user(
            request,
            ngettext(
                "%(count)d person deactivated; they can no longer sign in.",
                "%(count)d people deactivated; they can no longer sign in.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )
