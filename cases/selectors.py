"""Reads for breach cases: who may see which, the clauses a case may name, and the counts per clause."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Count, Max, OuterRef, QuerySet, Subquery

from codes.models import FROZEN_STATUSES, CodeDocument, Section
from codes.selectors import version_in_force
from people.models import StaffProfile
from people.selectors import is_manager_of, reporting_to
from training.models import Course

from .models import Case, Outcome

Viewer = User | AnonymousUser


def sees_all_cases(user: Viewer) -> bool:
    return user.has_perm("cases.view_case")


def cases_visible_to(user: Viewer) -> QuerySet[Case]:
    """Every case for those who hold `cases.view_case` (compliance); a manager's own reports' cases only where
    CASES_VISIBLE_TO_MANAGER is on; none for anyone else, the person the case is about included."""
    cases = Case.objects.select_related(
        "person__user", "person__department", "section__version__document", "recorded_by", "assignment__course"
    )
    if sees_all_cases(user):
        return cases
    if settings.CASES_VISIBLE_TO_MANAGER:
        return cases.filter(reporting_to(user, path="person"))
    return cases.none()


@dataclass(frozen=True)
class Filters:
    """What the list, its exports and the counts per clause are narrowed to; empty filters nothing out."""

    outcome: str = ""
    document_id: int | None = None
    department_id: int | None = None
    since: datetime.date | None = None
    until: datetime.date | None = None

    def apply(self, cases: QuerySet[Case]) -> QuerySet[Case]:
        if self.outcome:
            cases = cases.filter(outcome=self.outcome)
        if self.document_id is not None:
            cases = cases.filter(section__version__document_id=self.document_id)
        if self.department_id is not None:
            cases = cases.filter(person__department_id=self.department_id)
        if self.since is not None:
            cases = cases.filter(occurred_on__gte=self.since)
        if self.until is not None:
            cases = cases.filter(occurred_on__lte=self.until)
        return cases

    def as_details(self) -> dict[str, object]:
        """The filters as an audit event's details record them."""
        return {
            "outcome": self.outcome,
            "document": self.document_id,
            "department": self.department_id,
            "since": self.since.isoformat() if self.since else None,
            "until": self.until.isoformat() if self.until else None,
        }


def case_list(user: Viewer, filters: Filters) -> QuerySet[Case]:
    """The cases `user` may see with the filters, the latest breach first."""
    return filters.apply(cases_visible_to(user)).order_by("-occurred_on", "-pk")


def undecided_cases_for(user: Viewer) -> QuerySet[Case]:
    """My tasks: the cases whose outcome is not decided yet, the longest waiting first, for those who decide
    outcomes (cases.change_case); none for anyone else."""
    if not user.has_perm("cases.change_case"):
        return Case.objects.none()
    return cases_visible_to(user).filter(outcome=Outcome.PENDING).order_by("recorded_at", "pk")


def may_see_cases_of(user: Viewer, person: StaffProfile) -> bool:
    """`cases_visible_to` for one person read with their manager, without a query (the person page's panel)."""
    return sees_all_cases(user) or (settings.CASES_VISIBLE_TO_MANAGER and is_manager_of(user, person))


def sections_in_force(document: CodeDocument, *, on: datetime.date) -> QuerySet[Section]:
    """The clauses of the version of `document` in force on the day `on`, in reading order (none before its first
    effective date)."""
    version = version_in_force(document, on=on)
    if version is None:
        return Section.objects.none()
    return version.sections.select_related("version__document").order_by("position")


def documents_with_published_versions() -> QuerySet[CodeDocument]:
    """The documents a case may name: those with a version that was ever published, retired ones included (a
    breach may predate the retirement)."""
    return CodeDocument.objects.filter(versions__status__in=FROZEN_STATUSES).distinct().order_by("title")


def retraining_courses() -> QuerySet[Course]:
    return Course.objects.filter(is_active=True).order_by("title")


def course_for_section(section: Section) -> Course | None:
    """The active course that teaches the clause, in this version or any other (sections keep their identity,
    `key`, from version to version), the one linked most recently first; None when no course teaches it."""
    return (
        retraining_courses().filter(sections__key=section.key).order_by("-sections__version__number", "title").first()
    )


def breaches_per_clause(cases: QuerySet[Case]) -> QuerySet[Case, dict[str, Any]]:
    """How many of `cases` name each clause, the most breached first, counted in the database.

    A clause is a section's identity within its document (`Section.key`), so breaches of the same clause under
    two versions count together; each row is named by the clause's title in the latest version a case names.
    """
    latest_title = Section.objects.filter(
        version__document=OuterRef("section__version__document"), key=OuterRef("section__key")
    ).order_by("-version__number")
    return (
        cases.order_by()
        .values("section__version__document", "section__key")
        .annotate(
            breaches=Count("pk"),
            last_on=Max("occurred_on"),
            document_title=Max("section__version__document__title"),
            title=Subquery(latest_title.filter(breach_cases__isnull=False).values("title")[:1]),
        )
        .order_by("-breaches", "document_title", "title")
    )


def cases_of(person: StaffProfile, viewer: Viewer) -> QuerySet[Case]:
    """The cases about `person` that `viewer` may see, the latest first."""
    return cases_visible_to(viewer).filter(person=person)
