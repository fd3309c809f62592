from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from cases.models import Case, Outcome
from people.models import Department, StaffProfile


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def counts() -> tuple[int, int, int]:
    return Department.objects.count(), StaffProfile.objects.count(), get_user_model().objects.count()


@pytest.fixture
def debug(settings) -> None:
    settings.DEBUG = True


def test_it_builds_an_organisation_with_a_login_per_role(db, debug) -> None:
    output = seed()

    departments, people, _accounts = counts()
    assert departments >= 6
    assert 35 <= people <= 45
    assert {"Support", "Sales", "Billing"} <= set(Department.objects.values_list("name", flat=True))
    for username, role in [
        ("agent", "Agent"),
        ("manager", "Manager"),
        ("reviewer", "Manager"),
        ("compliance", "Compliance officer"),
        ("admin", "Administrator"),
    ]:
        user = get_user_model().objects.get(username=username)
        assert user.groups.filter(name=role).exists()
        assert f"{username:<12} password: demo-{username}-pass" in output
        assert user.check_password(f"demo-{username}-pass")


def test_every_agent_has_a_manager(db, debug) -> None:
    seed()

    agents = StaffProfile.objects.filter(user__groups__name="Agent")
    assert agents.exists()
    assert not agents.filter(manager=None).exists()


def test_seeding_twice_changes_nothing(db, debug) -> None:
    seed()
    before = counts()
    passwords = dict(get_user_model().objects.values_list("username", "password"))

    output = seed()

    assert counts() == before
    assert dict(get_user_model().objects.values_list("username", "password")) == passwords
    assert "0 departments and 0 people created" in output
    assert "0 breach cases recorded" in output
    assert Case.objects.count() == 1


def test_the_demo_agent_has_a_breach_case_against_the_privacy_clause_in_force(db, debug) -> None:
    output = seed()

    case = Case.objects.select_related("person__user", "section__version").get()
    assert (case.person.user.username, case.section.category, case.outcome) == ("agent", "privacy", Outcome.COACHING)
    assert case.section.version.status == "published"
    assert "1 breach cases recorded" in output


def test_it_refuses_to_seed_a_production_portal(db, settings) -> None:
    settings.DEBUG = False

    with pytest.raises(CommandError, match="DEBUG is off"):
        seed()
    assert counts() == (0, 0, 0)
