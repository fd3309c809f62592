from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.db.models.fields.related import ManyToManyField
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from common.admin import ViewOnlyAdmin

from . import rights, services
from .models import Department, KioskCredential, StaffProfile

User = get_user_model()


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "parent"]
    list_select_related = ["parent"]
    search_fields = ["name", "code"]
    autocomplete_fields = ["parent"]


def _save_staff_record(request: HttpRequest, profile: StaffProfile) -> None:
    """Save a staff record posted in the admin through the people services, never directly.

    A new record is a hire. A changed one has its details saved, then the person is moved if the
    form names another department or manager: both audited, and a new department announced to
    the apps that ask people to sign and train.
    """
    try:
        if profile.pk is None:
            services.person_hire(profile=profile, actor=request.user)
            return
        services.profile_update(profile=profile, actor=request.user)
        services.person_move(person=profile, department=profile.department, manager=profile.manager, actor=request.user)
    except rights.AccountChangeRefused as refused:
        # The admin offers the form only to those who may change the account; this is a forged or stale form.
        raise PermissionDenied(refused.message) from refused


@admin.register(StaffProfile)
class StaffProfileAdmin(admin.ModelAdmin):
    list_display = ["employee_id", "full_name", "department", "manager", "job_title", "is_active"]
    list_select_related = ["user", "department", "manager__user"]
    list_filter = ["department", "user__is_active", "signs_in", "preferred_language"]
    search_fields = ["employee_id", "user__username", "user__first_name", "user__last_name", "job_title"]
    autocomplete_fields = ["user", "department", "manager"]

    def has_change_permission(self, request: HttpRequest, obj: StaffProfile | None = None) -> bool:
        return super().has_change_permission(request, obj) and (
            obj is None or rights.change_refusal(request.user, obj.user, rights.AccountChange.DETAILS) is None
        )

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str] | tuple[str, ...]:
        # A record, with its signatures and requests, stays with its person: never handed to another account.
        readonly = super().get_readonly_fields(request, obj)
        return [*readonly, "user"] if obj else readonly

    def save_model(self, request: HttpRequest, obj: StaffProfile, form: Any, change: bool) -> None:
        _save_staff_record(request, obj)

    @admin.display(description=_("active"), boolean=True, ordering="user__is_active")
    def is_active(self, profile: StaffProfile) -> bool:
        return profile.user.is_active


@admin.register(KioskCredential)
class KioskCredentialAdmin(ViewOnlyAdmin):
    """Who has a kiosk PIN or code, who issued it and whether they are locked out; never the hashes. PINs and
    codes are issued in the portal (people.kiosk), which audits it."""

    list_display = ["person", "issued_by", "issued_at", "code_expires_at", "failures", "locked_until"]
    list_select_related = ["person__user", "issued_by"]
    exclude = ["pin_hash", "code_hash"]


class StaffProfileInline(admin.StackedInline):
    model = StaffProfile
    fk_name = "user"
    can_delete = False
    autocomplete_fields = ["department", "manager"]


def _refuse(refusal: str | None) -> None:
    """Turn a refusal of `people.rights` into the admin's 403."""
    if refusal is not None:
        raise PermissionDenied(refusal)


admin.site.unregister(User)

# What the user form may change only through `services.account_set_rights`.
RIGHTS_FIELDS = ("groups", "user_permissions", "is_staff", "is_superuser")


@admin.register(User)
class PortalUserAdmin(UserAdmin):
    """People's accounts, changed within the rules of `people.rights`.

    The form offers only what the signed-in person may change on that account; rights, passwords
    and deletions go through the people services, which check the rules again and audit.
    """

    inlines = [StaffProfileInline]
    list_display = ["username", "first_name", "last_name", "email", "is_active", "is_staff"]
    actions = ["deactivate_people", "reactivate_people"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str] | tuple[str, ...]:
        # Sign-in times are records, not settings.
        readonly = [*super().get_readonly_fields(request, obj), "last_login", "date_joined"]
        if obj is not None and obj.pk == request.user.pk:
            return [*readonly, *RIGHTS_FIELDS, "is_active"]
        if not request.user.is_superuser:
            return [*readonly, "is_staff", "is_superuser", "user_permissions"]
        return readonly

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or obj.pk == request.user.pk:
            return fieldsets
        if rights.change_refusal(request.user, obj, rights.AccountChange.PASSWORD) is None:
            return fieldsets
        # The password field links to the password page, which this person may not open.
        return [
            (name, {**options, "fields": [f for f in options["fields"] if f != "password"]})
            for name, options in fieldsets
        ]

    def formfield_for_manytomany(
        self, db_field: ManyToManyField, request: HttpRequest, **kwargs: Any
    ) -> forms.ModelMultipleChoiceField | None:
        # Offer only the roles this person may hand out.
        if db_field.name == "groups" and not request.user.is_superuser:
            kwargs["queryset"] = rights.assignable_roles(request.user)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_change_permission(request, obj) and (
            obj is None or rights.change_refusal(request.user, obj, rights.AccountChange.DETAILS) is None
        )

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_delete_permission(request, obj) and (
            obj is None or rights.change_refusal(request.user, obj, rights.AccountChange.DELETE) is None
        )

    def save_form(self, request: HttpRequest, form: Any, change: bool) -> Any:
        user = super().save_form(request, form, change)
        # Staff and superuser status are saved by the rights service in save_related, with the roles.
        for flag in ("is_staff", "is_superuser"):
            if flag in form.changed_data:
                setattr(user, flag, form.initial[flag])
        return user

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        requested = {field: form.cleaned_data.pop(field) for field in RIGHTS_FIELDS if field in form.changed_data}
        super().save_related(request, form, formsets, change)
        if requested:
            try:
                services.account_set_rights(
                    user=form.instance,
                    actor=request.user,
                    roles=requested.get("groups"),
                    permissions=requested.get("user_permissions"),
                    is_staff=requested.get("is_staff"),
                    is_superuser=requested.get("is_superuser"),
                )
            except rights.AccountChangeRefused as refused:
                # The form offers only what may be changed; this is a forged or stale form.
                raise PermissionDenied(refused.message) from refused

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if not change:
            services.account_create(user=obj, actor=request.user)
            return
        # The "active" tick goes through the services, which end a leaver's open sessions straight
        # away, record who did it, and tell the other apps (a leaver's requests are marked left, a
        # returner's asked again). The form's other changes are saved with the old value first.
        toggled = change and "is_active" in form.changed_data
        active = obj.is_active
        if toggled:
            _refuse(rights.change_refusal(request.user, obj, rights.AccountChange.ACTIVITY))
            obj.is_active = not active
        super().save_model(request, obj, form, change)
        if toggled:
            change_activity = services.person_reactivate if active else services.person_deactivate
            change_activity(user=obj, actor=request.user)

    def user_change_password(self, request: HttpRequest, id: str, form_url: str = "") -> HttpResponse:
        target = self.get_object(request, unquote(id))
        if target is not None and target.pk == request.user.pk:
            # One's own password is changed where the current one is asked for first, and where
            # wrong guesses count towards the sign-in lockout; the admin's form asks for neither.
            messages.info(request, _t("Change your own password here: your current password is asked first."))
            return HttpResponseRedirect(reverse("password_change"))
        if target is not None:
            _refuse(rights.change_refusal(request.user, target, rights.AccountChange.PASSWORD))
        if target is None or not self.has_change_permission(request, target):
            return super().user_change_password(request, id, form_url)  # Django's 404 or 403.
        if request.method == "POST":
            form = self.change_password_form(target, request.POST)
            if form.is_valid() and (form.cleaned_data["set_usable_password"] or "unset-password" in request.POST):
                usable = form.cleaned_data["set_usable_password"]
                services.account_set_password(
                    user=target, actor=request.user, password=form.cleaned_data["password1"] if usable else None
                )
                messages.success(request, _t("Password changed successfully."))
                return HttpResponseRedirect(reverse("admin:auth_user_change", args=[target.pk]))
        # Showing the form, its errors, or Django's answer to conflicting buttons; Django's view
        # saves nothing on any of these paths.
        return super().user_change_password(request, id, form_url)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        if formset.model is not StaffProfile:
            super().save_formset(request, form, formset, change)
            return
        for profile in formset.save(commit=False):
            _save_staff_record(request, profile)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        services.account_delete(user=obj, actor=request.user)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        # The confirmation page already refused the whole batch if any account may not be deleted.
        for user in queryset:
            services.account_delete(user=user, actor=request.user)

    @admin.action(permissions=["change"], description=_("Deactivate the selected people and end their sessions"))
    def deactivate_people(self, request: HttpRequest, queryset: QuerySet) -> None:
        count = self._change_activity(request, queryset, services.person_deactivate)
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

    @admin.action(permissions=["change"], description=_("Reactivate the selected people"))
    def reactivate_people(self, request: HttpRequest, queryset: QuerySet) -> None:
        count = self._change_activity(request, queryset, services.person_reactivate)
        self.message_user(
            request,
            ngettext(
                "%(count)d person reactivated; they can sign in again.",
                "%(count)d people reactivated; they can sign in again.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )

    @staticmethod
    def _change_activity(request: HttpRequest, queryset: QuerySet, change: Any) -> int:
        # The whole batch is refused before anyone is changed, so a refusal leaves nothing half done.
        users = list(queryset)
        for user in users:
            _refuse(rights.change_refusal(request.user, user, rights.AccountChange.ACTIVITY))
        for user in users:
            change(user=user, actor=request.user)
        return len(users)


admin.site.unregister(Group)


@admin.register(Group)
class RoleAdmin(GroupAdmin):
    """Roles: only a superuser changes what a role may do, through the audited people services."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return rights.role_edit_refusal(request.user) is None

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return rights.role_edit_refusal(request.user) is None

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return rights.role_edit_refusal(request.user) is None

    def save_form(self, request: HttpRequest, form: Any, change: bool) -> Any:
        role = super().save_form(request, form, change)
        # A new name is saved by the role service in save_related, with the permissions.
        if change:
            role.name = form.initial["name"]
        return role

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        permissions = form.cleaned_data.pop("permissions")
        super().save_related(request, form, formsets, change)
        services.role_update(
            role=form.instance, actor=request.user, name=form.cleaned_data["name"], permissions=permissions
        )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        services.role_delete(role=obj, actor=request.user)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        for role in queryset:
            services.role_delete(role=role, actor=request.user)
