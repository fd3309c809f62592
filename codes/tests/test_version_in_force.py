"""The version in force on a day: the one whose effective date is the latest on or before it, in the organisation's
calendar (Europe/Bucharest), across a version change published at 00:30 there
(codes.tests.factories.publish_history)."""

from __future__ import annotations

import datetime

import pytest
import time_machine

from codes import services
from codes.selectors import version_in_force
from codes.tests.factories import publish_history, start_revision

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(draft, manager, second_manager):
    return publish_history(draft, author=manager.user, approver=second_manager.user)


def test_nothing_is_in_force_before_the_first_effective_date(document, history) -> None:
    assert version_in_force(document, on=datetime.date(2026, 2, 28)) is None


def test_the_first_version_is_in_force_from_its_effective_date(document, history) -> None:
    first, _second = history

    assert version_in_force(document, on=datetime.date(2026, 3, 1)) == first


def test_the_superseded_version_is_in_force_on_the_day_before_the_new_one_took_effect(document, history) -> None:
    first, second = history

    assert (second.effective_date, first.status) == (datetime.date(2026, 3, 10), "superseded")
    assert version_in_force(document, on=datetime.date(2026, 3, 9)) == first


def test_the_new_version_is_in_force_from_the_organisations_date_of_its_publication(document, history) -> None:
    _first, second = history

    assert version_in_force(document, on=datetime.date(2026, 3, 10)) == second
    assert version_in_force(document, on=datetime.date(2026, 12, 31)) == second


def test_a_version_published_ahead_of_its_effective_date_waits_for_it(document, history, manager, second_manager):
    _first, second = history
    third = start_revision(document, actor=manager.user)
    services.version_submit(version=third, actor=manager.user)
    services.version_approve(version=third, actor=second_manager.user)
    effective = datetime.date(2026, 4, 1)
    with_future_date = datetime.datetime(2026, 3, 20, 9, tzinfo=datetime.UTC)
    with time_machine.travel(with_future_date, tick=False):
        services.version_publish(
            version=third, actor=manager.user, effective_date=effective, days_to_acknowledge=14, is_major=True
        )

    assert version_in_force(document, on=datetime.date(2026, 3, 31)) == second
    assert version_in_force(document, on=effective) == third


def test_nothing_is_in_force_from_the_day_the_document_was_retired(document, history, manager) -> None:
    _first, second = history
    with time_machine.travel(datetime.datetime(2026, 5, 4, 9, tzinfo=datetime.UTC), tick=False):
        services.document_retire(document=document, actor=manager.user, reason="Replaced by the group code.")
    document.refresh_from_db()

    assert version_in_force(document, on=datetime.date(2026, 5, 3)) == second
    assert version_in_force(document, on=datetime.date(2026, 5, 4)) is None
