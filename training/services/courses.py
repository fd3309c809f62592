"""Courses: creating and changing one, with the code sections it teaches and the audience it is for."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils.translation import gettext as _

from audit.services import event_record
from codes.models import CodeDocument, Section
from common.errors import DomainError
from common.permissions import require_permission
from people.models import Department
from training.models import AssignmentStatus, Course

from .. import audit_actions
from ._shared import Actor
from .assignments import assignments_create_for_course


def _check_course(title: str, document: CodeDocument | None, sections: list[Section], course: Course | None) -> None:
    same_title = Course.objects.filter(title__iexact=title.strip())
    if course is not None:
        same_title = same_title.exclude(pk=course.pk)
    if same_title.exists():
        raise DomainError(_("A course called “%(title)s” exists already.") % {"title": title.strip()})
    if not sections:
        return
    if document is None:
        raise DomainError(_("Choose the code document the sections come from."))
    foreign = Section.objects.filter(pk__in=[s.pk for s in sections]).exclude(version__document=document).first()
    if foreign is not None:
        raise DomainError(
            _("The section “%(section)s” is not part of “%(document)s”.")
            % {"section": foreign.title, "document": document}
        )


@transaction.atomic
def course_create(
    *,
    actor: Actor,
    title: str,
    description: str = "",
    document: CodeDocument | None = None,
    sections: Iterable[Section] = (),
    refresher_interval_months: int | None = None,
    audience_departments: Iterable[Department] = (),
    is_mandatory: bool = True,
    is_active: bool = True,
) -> Course:
    """Create a course. An active mandatory course is assigned at once to everyone in its audience."""
    require_permission(actor, "training.add_course")
    sections = list(sections)
    _check_course(title, document, sections, None)
    course = Course.objects.create(
        title=title.strip(),
        description=description,
        document=document,
        refresher_interval_months=refresher_interval_months,
        is_mandatory=is_mandatory,
        is_active=is_active,
    )
    course.sections.set(sections)
    course.audience_departments.set(list(audience_departments))
    event_record(
        actor=actor,
        action=audit_actions.COURSE_CREATE,
        target=course,
        details={"mandatory": is_mandatory, "refresher_interval_months": refresher_interval_months},
    )
    assignments_create_for_course(course=course)
    return course


@transaction.atomic
def course_update(
    *,
    course: Course,
    actor: Actor,
    title: str,
    description: str = "",
    document: CodeDocument | None = None,
    sections: Iterable[Section] = (),
    refresher_interval_months: int | None = None,
    audience_departments: Iterable[Department] = (),
    is_mandatory: bool = True,
    is_active: bool = True,
) -> Course:
    """Change a course. Deactivating it cancels its open assignments; making it mandatory (or widening
    its audience) assigns it to those in the audience who have not completed it."""
    require_permission(actor, "training.change_course")
    course = Course.objects.select_for_update().get(pk=course.pk)
    sections = list(sections)
    _check_course(title, document, sections, course)
    was_active = course.is_active
    course.title = title.strip()
    course.description = description
    course.document = document
    course.refresher_interval_months = refresher_interval_months
    course.is_mandatory = is_mandatory
    course.is_active = is_active
    course.save()
    course.sections.set(sections)
    course.audience_departments.set(list(audience_departments))
    cancelled = 0
    if was_active and not is_active:
        cancelled = course.assignments.open().update(status=AssignmentStatus.CANCELLED)
    event_record(
        actor=actor,
        action=audit_actions.COURSE_UPDATE,
        target=course,
        details={"active": is_active, "mandatory": is_mandatory, "cancelled_assignments": cancelled},
    )
    assignments_create_for_course(course=course)
    return course
