"""The version in force on a day: the one whose effective date is the latest on or before it, in the organisation's
calendar (Europe/Bucharest), across a version change published at 00:30 there
(codes.tests.factories.publish_history)."""

from __future__ import annotations

import datetime

import pytest
import time_machine

from codes import services
from codes.selectors import version_in_force, versions_in_force_during
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


@pytest.fixture
def announced_early(document, history, manager, second_manager):
    """Version 3, published on 20 March 2026 to take effect on 15 April: version 2 stays in force until then."""
    revision = start_revision(document, actor=manager.user)
    with time_machine.travel(datetime.datetime(2026, 3, 20, 9, tzinfo=datetime.UTC), tick=False):
        services.version_submit(version=revision, actor=manager.user)
        services.version_approve(version=revision, actor=second_manager.user)
        return services.version_publish(
            version=revision,
            actor=manager.user,
            effective_date=datetime.date(2026, 4, 15),
            days_to_acknowledge=14,
            is_major=True,
        )


def in_force_during(first_day: datetime.date, last_day: datetime.date) -> list[int]:
    return sorted(versions_in_force_during(first_day=first_day, last_day=last_day).values_list("number", flat=True))


def test_a_quarter_before_a_version_takes_effect_holds_only_the_versions_then_in_force(announced_early) -> None:
    assert in_force_during(datetime.date(2026, 1, 1), datetime.date(2026, 3, 31)) == [1, 2]


def test_a_quarter_across_a_version_change_holds_both_versions(announced_early) -> None:
    assert in_force_during(datetime.date(2026, 4, 1), datetime.date(2026, 6, 30)) == [2, 3]


def test_the_day_a_version_takes_effect_holds_it_alone(announced_early) -> None:
    assert in_force_during(datetime.date(2026, 4, 15), datetime.date(2026, 4, 15)) == [3]
