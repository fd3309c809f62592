"""My tasks: what waits for the signed-in person, gathered from the apps that own each kind of task.

Each kind is one entry of TASK_KINDS: the selector of the app that owns it, which returns the
person's open tasks of that kind (an empty `none()` queryset when the kind is not theirs: they may
not approve, have no team…), a heading, and the template of one task, which links to the page where
it is done; what a list of them shows beyond those rows (figures of each) is added apart, as every page
counts the rows for the navigation and never shows those figures. A task is done when its row leaves
the selector (signed, approved, recorded), so it disappears by itself. A later kind of task (questions,
waiver requests) is one more entry here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import IntegerField, QuerySet, Subquery
from django.http import HttpRequest
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from acknowledgements import selectors as acknowledgement_selectors
from cases import selectors as cases_selectors
from codes import selectors as codes_selectors
from questions import selectors as questions_selectors
from training import selectors as training_selectors

Person = AbstractBaseUser | AnonymousUser


@dataclass(frozen=True)
class TaskKind:
    key: str
    heading: Promise
    # Renders one task as a list item, with the link to the page where it is done.
    row_template: str
    # The person's open tasks: the rows the navigation counts on every page.
    rows: Callable[..., QuerySet]
    # What a list of them shows beyond those rows (figures of each, in their order); the same rows.
    listed: Callable[[QuerySet], QuerySet] = QuerySet.all


TASK_KINDS: tuple[TaskKind, ...] = (
    TaskKind(
        "review", _("Versions to review"), "portal/tasks/_review.html", codes_selectors.versions_awaiting_review_by
    ),
    TaskKind(
        "translation_review",
        _("Translations to review"),
        "portal/tasks/_translation_review.html",
        codes_selectors.translations_awaiting_review_by,
    ),
    TaskKind(
        "publish",
        _("Approved versions to publish"),
        "portal/tasks/_publish.html",
        codes_selectors.versions_awaiting_publication_by,
    ),
    TaskKind(
        "questions",
        _("Questions to answer"),
        "portal/tasks/_question.html",
        questions_selectors.open_questions_for,
    ),
    TaskKind(
        "cases",
        _("Breach cases to decide"),
        "portal/tasks/_case.html",
        cases_selectors.undecided_cases_for,
    ),
    TaskKind("sign", _("Codes to sign"), "portal/tasks/_sign.html", acknowledgement_selectors.pending_for),
    TaskKind(
        "training",
        _("Training to complete"),
        "portal/tasks/_training.html",
        training_selectors.open_assignments_of_user,
    ),
    TaskKind(
        "sessions",
        _("Training sessions to record"),
        "portal/tasks/_session.html",
        training_selectors.sessions_awaiting_attendance_by,
    ),
    TaskKind(
        "team_acknowledgements",
        _("My team's overdue acknowledgements"),
        "portal/tasks/_team_acknowledgement.html",
        acknowledgement_selectors.overdue_of_team,
    ),
    TaskKind(
        "campaigns",
        _("Campaigns with people past their deadline"),
        "portal/tasks/_campaign.html",
        acknowledgement_selectors.campaigns_with_overdue,
        acknowledgement_selectors.with_overdue_figures,
    ),
    TaskKind(
        "team_training",
        _("My team's overdue training"),
        "portal/tasks/_team_training.html",
        training_selectors.overdue_of_team,
    ),
)
KINDS_BY_KEY = {kind.key: kind for kind in TASK_KINDS}


class CountOf(Subquery):
    """The number of rows of a queryset, as a scalar subquery."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) AS counted)"
    output_field = IntegerField()


def count_tasks(user: Person) -> dict[str, int]:
    """The number of tasks of each kind that is the person's (kinds whose selector is empty by rule are
    left out), all counted by the database in one query; no query when no kind is theirs."""
    counted = {kind.key: rows for kind in TASK_KINDS if not (rows := kind.rows(user)).query.is_empty()}
    if not counted:
        return {}
    # Prefixed: a key must not collide with a field or relation of the user model.
    counts = {f"tasks_{key}": CountOf(rows.order_by().values("pk")) for key, rows in counted.items()}
    row = get_user_model().objects.filter(pk=user.pk or 0).values(**counts).first()
    found: dict[str, int] = dict(row) if row else {}
    return {key: found.get(f"tasks_{key}", 0) for key in counted}


class MyTasks:
    """The person's task counts, counted when first read (the navigation and the home page share them)."""

    def __init__(self, user: Person) -> None:
        self.user = user

    @cached_property
    def counts(self) -> dict[str, int]:
        return count_tasks(self.user)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def my_tasks(request: HttpRequest) -> MyTasks:
    """The signed-in person's tasks, once per request."""
    tasks: MyTasks | None = getattr(request, "_my_tasks", None)
    if tasks is None:
        tasks = MyTasks(request.user)
        setattr(request, "_my_tasks", tasks)  # noqa: B010  # HttpRequest declares no such attribute
    return tasks


@dataclass(frozen=True)
class TaskList:
    """One kind's tasks as a page shows them: how many there are and the first of them (or a page)."""

    kind: TaskKind
    count: int
    rows: object


def task_lists(
    user: Person, counts: dict[str, int], rows: Callable[[TaskKind, QuerySet, int], object]
) -> list[TaskList]:
    """Each of the person's kinds of task, in TASK_KINDS order, with `rows(kind, queryset, count)` of the kinds
    that have any (a kind without tasks costs no query)."""
    return [
        TaskList(
            kind,
            counts[kind.key],
            rows(kind, kind.listed(kind.rows(user)), counts[kind.key]) if counts[kind.key] else [],
        )
        for kind in TASK_KINDS
        if kind.key in counts
    ]
