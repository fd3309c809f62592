from __future__ import annotations

from collections.abc import Iterator

import pytest

from people.models import StaffProfile
from people.signals import person_audience_changed
from people.tests.factories import StaffProfileFactory


@pytest.fixture
def superuser(db) -> StaffProfile:
    return StaffProfileFactory(user__username="sam", user__is_superuser=True, user__is_staff=True)


@pytest.fixture
def announced() -> Iterator[list[tuple[int, int | None]]]:
    """The audience changes announced while the test runs, as (person id, actor id)."""
    heard: list[tuple[int, int | None]] = []
    person_audience_changed.connect(
        lambda sender, person_ids, actor_id, **kwargs: heard.extend((person_id, actor_id) for person_id in person_ids),
        weak=False,
        dispatch_uid="test.announced",
    )
    yield heard
    person_audience_changed.disconnect(dispatch_uid="test.announced")
