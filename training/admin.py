from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from common.errors import DomainError
from common.http import AuthenticatedHttpRequest

from .models import Assignment, AssignmentStatus, Completion, Course, Enrolment, TrainingSession
from .services.assignments import assignment_cancel


@admin.register(Course)
class CourseAdmin(admin.ModelAdmin):
    list_display = ["title", "document", "is_mandatory", "is_active", "refresher_interval_months"]
    list_filter = ["is_mandatory", "is_active"]
    list_select_related = ["document"]
    search_fields = ["title", "description"]
    autocomplete_fields = ["document"]
    filter_horizontal = ["audience_departments"]
    raw_id_fields = ["sections"]


class EnrolmentInline(admin.TabularInline):
    model = Enrolment
    extra = 0
    autocomplete_fields = ["person"]
    fields = ["person", "enrolled_at", "attended"]
    readonly_fields = ["enrolled_at"]


@admin.register(TrainingSession)
class TrainingSessionAdmin(admin.ModelAdmin):
    list_display = ["course", "starts_at", "ends_at", "location", "capacity", "trainer", "cancelled"]
    list_filter = ["cancelled", "course"]
    list_select_related = ["course", "trainer"]
    search_fields = ["course__title", "location"]
    autocomplete_fields = ["course", "trainer"]
    date_hierarchy = "starts_at"
    inlines = [EnrolmentInline]


@admin.register(Enrolment)
class EnrolmentAdmin(admin.ModelAdmin):
    list_display = ["person", "session", "enrolled_at", "attended"]
    list_filter = ["attended"]
    list_select_related = ["person__user", "session__course"]
    search_fields = ["person__employee_id", "person__user__last_name", "session__course__title"]
    autocomplete_fields = ["person", "session"]


@admin.register(Completion)
class CompletionAdmin(admin.ModelAdmin):
    """Read-only: completions are recorded in the portal, where they close assignments and set refreshers."""

    list_display = ["person", "course", "completed_on", "score", "recorded_by", "session", "external_id"]
    list_filter = ["course"]
    list_select_related = ["person__user", "course", "recorded_by", "session__course"]
    search_fields = ["person__employee_id", "person__user__last_name", "course__title", "=external_id"]
    date_hierarchy = "completed_on"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    """Read-mostly: assignments are made and closed by the portal's rules; here they can only be cancelled."""

    list_display = ["person", "course", "reason", "due_date", "status", "assigned_by", "completed_at"]
    list_filter = ["status", "reason", "course"]
    list_select_related = ["person__user", "course", "assigned_by"]
    search_fields = ["person__employee_id", "person__user__last_name", "course__title", "note"]
    date_hierarchy = "due_date"
    actions = ["cancel_assignments"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description=_("Cancel the selected open assignments"), permissions=["cancel"])
    def cancel_assignments(self, request: AuthenticatedHttpRequest, queryset: QuerySet[Assignment]) -> None:
        cancelled = 0
        for assignment in queryset.filter(status=AssignmentStatus.OPEN):
            try:
                assignment_cancel(
                    assignment=assignment, actor=request.user, reason=str(_("Cancelled in the administration."))
                )
            except DomainError as error:
                self.message_user(request, error.message, messages.ERROR)
            else:
                cancelled += 1
        self.message_user(
            request,
            ngettext("%(count)d assignment cancelled.", "%(count)d assignments cancelled.", cancelled)
            % {"count": cancelled},
            messages.SUCCESS,
        )

    def has_cancel_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("training.change_assignment")
