"""Cases' own fixtures, on top of the project's cast: a code with a version change, and a course on its privacy
clause."""

from __future__ import annotations

import datetime

import pytest

from cases.models import Case
from codes.models import CodeVersion, Section
from codes.tests.factories import publish_history
from training.models import Course
from training.tests.factories import CourseFactory

from .factories import record

# Before version 2 of the code took effect (10 March 2026), and after.
UNDER_FIRST = datetime.date(2026, 3, 9)
UNDER_SECOND = datetime.date(2026, 3, 10)


@pytest.fixture
def history(draft, manager, second_manager) -> tuple[CodeVersion, CodeVersion]:
    """Version 1 of the customer service code, effective 1 March 2026, and version 2, effective 10 March."""
    return publish_history(draft, author=manager.user, approver=second_manager.user)


def privacy_of(version: CodeVersion) -> Section:
    return version.sections.get(title="Privacy")


@pytest.fixture
def privacy_course(history) -> Course:
    """A course teaching the privacy clause of version 1 (the same clause, by its identity, in version 2)."""
    first, _second = history
    course = CourseFactory(title="Handling personal data")
    course.sections.set([privacy_of(first)])
    return course


DESCRIPTION = "Read a card number aloud to Ann Example. Ann saw it."


@pytest.fixture
def case(history, agent, compliance_officer) -> Case:
    """The agent's breach of the privacy clause of version 2, recorded by the compliance officer."""
    _first, second = history
    return record(
        agent, privacy_of(second), actor=compliance_officer.user, occurred_on=UNDER_SECOND, description=DESCRIPTION
    )
