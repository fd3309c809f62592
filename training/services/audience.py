"""Who a course is for: its audience departments, sub-departments included, or all staff."""

from __future__ import annotations

from people.models import StaffProfile
from people.selectors import department_subtree
from training.models import Course
from training.selectors import courses_for_department


def audience_department_ids(course: Course) -> list[int] | None:
    """The departments a course is for, sub-departments included; None for all staff."""
    chosen = list(course.audience_departments.values_list("pk", flat=True))
    if not chosen:
        return None
    return department_subtree(chosen)


def course_applies_to(course: Course, person: StaffProfile) -> bool:
    return Course.objects.filter(courses_for_department(person.department_id), pk=course.pk).exists()
