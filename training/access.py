"""Finding a course, session, enrolment or person for a user: 404 when they may not see it, 403 when they
may not change it."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch
from django.shortcuts import get_object_or_404

from codes.models import Section
from common.permissions import missing_permission_message
from people.models import StaffProfile
from people.selectors import managed_by, own_or_reporting_to

from .models import Completion, Course, Enrolment, TrainingSession
from .selectors import Viewer, completions_visible_to, people_visible_to


def get_course_for_user(user: Viewer, pk: int, *, for_edit: bool = False) -> Course:
    """Any course for those who may change courses; otherwise active courses only."""
    courses = Course.objects.select_related("document")
    if not user.has_perm("training.change_course"):
        if for_edit:
            raise PermissionDenied(missing_permission_message("training.change_course"))
        courses = courses.filter(is_active=True)
    return get_object_or_404(courses, pk=pk)


def get_session_for_user(user: Viewer, pk: int) -> TrainingSession:
    """A session, for those who may see sessions (the view checks the permission), with the number of
    seats `taken`; any session is visible, but its page lists only the enrolments the user may see."""
    sessions = TrainingSession.objects.select_related("course", "trainer").annotate(taken=Count("enrolments"))
    return get_object_or_404(sessions, pk=pk)


def get_person_for_user(user: Viewer, pk: int) -> StaffProfile:
    """A person whose training the user may see: anyone for compliance, a direct report for a manager."""
    return get_object_or_404(people_visible_to(user), pk=pk)


def get_enrolment_for_user(user: Viewer, pk: int) -> Enrolment:
    """An enrolment of the user's own, or of someone who reports to them."""
    enrolments = Enrolment.objects.select_related("session__course", "person__user", "person__manager")
    return get_object_or_404(enrolments.filter(own_or_reporting_to(user, path="person")), pk=pk)


def get_report_for_user(user: Viewer, pk: int) -> StaffProfile:
    """Someone in the user's team (whom the user may enrol)."""
    return get_object_or_404(managed_by(user), pk=pk)


def get_completion_for_user(user: Viewer, pk: int) -> Completion:
    """A completion whose certificate the user may open (`completions_visible_to`): their own, their team's for
    a manager, anyone's for compliance; not found for anybody else. With everything its certificate names."""
    completions = completions_visible_to(user).select_related(
        "person__user", "person__department", "course__document", "recorded_by", "session"
    )
    sections = Prefetch("course__sections", queryset=Section.objects.order_by("version_id", "position"))
    return get_object_or_404(completions.prefetch_related(sections), pk=pk)
