"""State changes for people: hiring, moving, deactivating and reactivating, each audited and announced once
committed; checking a password again; account rights, where the rules of people.rights hold outside the admin
too and every change is audited."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.test import RequestFactory

from audit.models import AuditEvent
from people import services
from people.models import StaffProfile
from people.rights import AccountChangeRefused, holds_administration
from people.services import PasswordRefused, StaffChangeRefused, person_reauthenticate
from people.tests.factories import TEST_PASSWORD, DepartmentFactory, StaffProfileFactory, UserFactory

pytestmark = pytest.mark.django_db


def request_from(address: str = "10.0.0.1"):  # type: ignore[no-untyped-def]
    return RequestFactory().post("/anywhere/", REMOTE_ADDR=address)


def test_the_right_password_passes_and_records_nothing(agent) -> None:
    person_reauthenticate(request=request_from(), user=agent.user, password=TEST_PASSWORD, purpose="signing")

    assert not AuditEvent.objects.exists()


def test_a_wrong_password_is_refused_and_audited(agent) -> None:
    with pytest.raises(PasswordRefused, match="That is not your password"):
        person_reauthenticate(request=request_from(), user=agent.user, password="not-it", purpose="signing")

    event = AuditEvent.objects.get()
    assert (event.action, event.actor_id, event.object_id) == (
        "people.reauthentication.fail",
        agent.user.pk,
        str(agent.user.pk),
    )


def test_after_the_failure_limit_the_right_password_is_refused_too(agent, settings) -> None:
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        with pytest.raises(PasswordRefused):
            person_reauthenticate(request=request_from(), user=agent.user, password="not-it", purpose="signing")

    with pytest.raises(PasswordRefused, match="Too many wrong passwords"):
        person_reauthenticate(request=request_from(), user=agent.user, password=TEST_PASSWORD, purpose="signing")


def test_the_lockout_is_per_address_as_for_sign_in(agent, settings) -> None:
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        with pytest.raises(PasswordRefused):
            person_reauthenticate(request=request_from(), user=agent.user, password="not-it", purpose="signing")

    person_reauthenticate(request=request_from("10.0.0.2"), user=agent.user, password=TEST_PASSWORD, purpose="signing")


@pytest.fixture
def superuser(db):
    return StaffProfileFactory(user__is_superuser=True, user__is_staff=True).user


def test_it_refuses_anyone_their_own_roles(superuser) -> None:
    with pytest.raises(AccountChangeRefused, match="Nobody may change their own roles"):
        services.account_set_rights(user=superuser, actor=superuser, roles=[Group.objects.get(name="Agent")])

    assert not superuser.groups.exists()


def test_it_refuses_an_administrator_the_administrator_role_for_someone_else(administrator, agent) -> None:
    with pytest.raises(AccountChangeRefused, match="Only a superuser may grant"):
        services.account_set_rights(
            user=agent.user, actor=administrator.user, roles=[Group.objects.get(name="Administrator")]
        )

    assert list(agent.user.groups.values_list("name", flat=True)) == ["Agent"]
    assert not AuditEvent.objects.exists()


def test_a_superuser_grants_staff_and_it_is_audited(superuser, agent) -> None:
    services.account_set_rights(user=agent.user, actor=superuser, is_staff=True)

    agent.user.refresh_from_db()
    assert agent.user.is_staff
    event = AuditEvent.objects.get()
    assert (event.action, event.actor, event.details) == (
        "people.account.rights_change",
        superuser,
        {"is_staff": True, "is_superuser": False},
    )


def test_the_system_gives_an_account_its_role_and_staff_status_audited(agent) -> None:
    # The demo's seeder makes its accounts this way (actor None), with no administrator to refuse it.
    manager = Group.objects.get(name="Manager")

    services.account_set_rights(user=agent.user, actor=None, roles=[manager], is_staff=True)

    agent.user.refresh_from_db()
    assert (list(agent.user.groups.all()), agent.user.is_staff) == ([manager], True)
    event = AuditEvent.objects.get()
    assert (event.action, event.actor, event.details["roles_added"], event.details["is_staff"]) == (
        "people.account.rights_change",
        None,
        ["Manager"],
        True,
    )


def test_an_unchanged_set_of_rights_writes_no_event(administrator, agent) -> None:
    services.account_set_rights(user=agent.user, actor=administrator.user, roles=agent.user.groups.all())

    assert not AuditEvent.objects.exists()


def test_a_one_off_permission_that_changes_accounts_makes_an_administrator(agent) -> None:
    agent.user.user_permissions.add(Permission.objects.get(codename="change_user"))

    assert holds_administration(agent.user)


def test_a_deletion_is_audited_with_the_name_it_had(superuser, agent) -> None:
    user_id = agent.user.pk

    services.account_delete(user=agent.user, actor=superuser)

    event = AuditEvent.objects.get()
    assert (event.action, event.object_id) == ("people.account.delete", str(user_id))
    assert event.details == {"username": "ana"}


def test_only_a_superuser_changes_what_a_role_may_do(administrator) -> None:
    role = Group.objects.get(name="Agent")

    with pytest.raises(AccountChangeRefused, match="Only a superuser may change what a role may do"):
        services.role_update(role=role, actor=administrator.user, name="Agent", permissions=Permission.objects.all())

    with pytest.raises(AccountChangeRefused):
        services.role_delete(role=role, actor=administrator.user)
    assert Group.objects.filter(name="Agent").exists()


# --- Hires, moves, leavers and returners: audited, and announced once committed ------------------


@pytest.fixture
def sales(db):
    return DepartmentFactory(name="Sales", code="SAL")


def new_record(username: str = "newbie", **fields) -> StaffProfile:  # type: ignore[no-untyped-def]
    return StaffProfileFactory.build(user=UserFactory(username=username), **fields)


def event_of(action: str) -> tuple:  # type: ignore[type-arg]
    event = AuditEvent.objects.get(action=action)
    return event.actor, event.object_type, event.object_id, event.details


def test_a_hire_saves_the_record_is_audited_and_announced_once_committed(
    administrator, support, manager, announced, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        hired = services.person_hire(profile=new_record(department=support, manager=manager), actor=administrator.user)
        assert announced == [], "not before the commit"

    record = StaffProfile.objects.get(user__username="newbie")
    assert (record.pk, record.department, record.manager) == (hired.pk, support, manager)
    assert event_of("people.person.hire") == (
        administrator.user,
        "people.staffprofile",
        str(record.pk),
        {"department": "Support", "manager": str(manager)},
    )
    assert announced == [(record.pk, administrator.user.pk)]


def test_a_hire_of_someone_already_on_the_staff_is_refused(
    administrator, agent, sales, announced, django_capture_on_commit_callbacks
) -> None:
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(StaffChangeRefused, match="Staff profile with this Account already exists"),
    ):
        services.person_hire(
            profile=StaffProfileFactory.build(user=agent.user, department=sales), actor=administrator.user
        )

    assert list(StaffProfile.objects.filter(user=agent.user).values_list("department__code", flat=True)) == ["SUP"]
    assert not AuditEvent.objects.exists()
    assert announced == []


def test_a_hire_under_an_employee_id_already_on_the_staff_is_refused(administrator, agent, support) -> None:
    with pytest.raises(StaffChangeRefused, match="Staff profile with this Employee id already exists"):
        services.person_hire(
            profile=new_record(department=support, employee_id=agent.employee_id), actor=administrator.user
        )

    assert not StaffProfile.objects.filter(user__username="newbie").exists()
    assert not AuditEvent.objects.exists()


def test_a_hire_is_refused_to_someone_without_the_right_to_add_staff_records(manager, support) -> None:
    with pytest.raises(AccountChangeRefused, match="Your roles do not allow this action"):
        services.person_hire(profile=new_record(department=support), actor=manager.user)

    assert not StaffProfile.objects.filter(user__username="newbie").exists()


def test_a_hire_rolled_back_announces_nothing(support, announced, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        services.person_hire(profile=new_record(department=support), actor=None)
        transaction.set_rollback(True)  # as an import that fails further on

    assert not StaffProfile.objects.filter(user__username="newbie").exists()
    assert announced == []


def test_a_move_to_another_department_is_audited_and_announced_once_committed(
    administrator, agent, sales, announced, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        services.person_move(person=agent, department=sales, manager=agent.manager, actor=administrator.user)
        assert announced == [], "not before the commit"

    agent.refresh_from_db()
    assert agent.department == sales
    assert event_of("people.person.move") == (
        administrator.user,
        "people.staffprofile",
        str(agent.pk),
        {"department": ["Support", "Sales"]},
    )
    assert announced == [(agent.pk, administrator.user.pk)]


def test_a_new_manager_alone_is_audited_but_changes_no_audience(
    administrator, agent, manager, second_manager, announced, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        services.person_move(
            person=agent, department=agent.department, manager=second_manager, actor=administrator.user
        )

    agent.refresh_from_db()
    assert agent.manager == second_manager
    assert event_of("people.person.move")[3] == {"manager": [str(manager), str(second_manager)]}
    assert announced == []


def test_a_move_to_where_the_person_already_is_records_nothing(
    administrator, agent, announced, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        services.person_move(person=agent, department=agent.department, manager=agent.manager, actor=administrator.user)

    assert not AuditEvent.objects.exists()
    assert announced == []


@pytest.mark.parametrize("new_manager", ["themselves", "their own report"])
def test_a_move_under_oneself_is_refused(
    superuser, agent, manager, new_manager: str, announced, django_capture_on_commit_callbacks
) -> None:
    boss = manager if new_manager == "themselves" else agent

    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(StaffChangeRefused, match="A person cannot report to themselves, directly or through others"),
    ):
        services.person_move(person=manager, department=manager.department, manager=boss, actor=superuser)

    manager.refresh_from_db()
    assert manager.manager is None
    assert not AuditEvent.objects.exists()
    assert announced == []


def test_a_move_is_refused_to_someone_without_the_right_to_change_staff_records(agent, manager, sales) -> None:
    with pytest.raises(AccountChangeRefused, match="Your roles do not allow this action"):
        services.person_move(person=agent, department=sales, manager=None, actor=manager.user)

    agent.refresh_from_db()
    assert (agent.department.code, agent.manager) == ("SUP", manager)


def test_a_move_rolled_back_announces_nothing(agent, sales, announced, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        services.person_move(person=agent, department=sales, manager=agent.manager, actor=None)
        transaction.set_rollback(True)  # as an import that fails further on

    assert StaffProfile.objects.get(pk=agent.pk).department.code == "SUP"
    assert announced == []


def test_a_details_update_writes_only_the_details_and_announces_nothing(
    administrator, agent, sales, announced, django_capture_on_commit_callbacks
) -> None:
    agent.job_title, agent.preferred_language, agent.department = "Team lead", "ro", sales

    with django_capture_on_commit_callbacks(execute=True):
        services.profile_update(profile=agent, actor=administrator.user)

    stored = StaffProfile.objects.get(pk=agent.pk)
    assert (stored.job_title, stored.preferred_language) == ("Team lead", "ro")
    assert stored.department.code == "SUP", "a department changes only through person_move"
    assert not AuditEvent.objects.exists()
    assert announced == []


def test_a_language_change_announces_nothing(agent, announced, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        services.profile_set_language(profile=agent, language="ro")

    assert StaffProfile.objects.get(pk=agent.pk).preferred_language == "ro"
    assert not AuditEvent.objects.exists()
    assert announced == []


def test_a_deactivation_and_a_reactivation_are_audited_and_announced_once_committed(
    administrator, agent, announced, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        services.person_deactivate(user=agent.user, actor=administrator.user)
        assert announced == [], "not before the commit"
    agent.user.refresh_from_db()
    assert not agent.user.is_active
    with django_capture_on_commit_callbacks(execute=True):
        services.person_reactivate(user=agent.user, actor=administrator.user)

    agent.user.refresh_from_db()
    assert agent.user.is_active
    assert list(
        AuditEvent.objects.order_by("pk").values_list("action", "actor", "object_type", "object_id", "details")
    ) == [
        ("people.person.deactivate", administrator.user.pk, "auth.user", str(agent.user.pk), {}),
        ("people.person.reactivate", administrator.user.pk, "auth.user", str(agent.user.pk), {}),
    ]
    assert announced == [(agent.pk, administrator.user.pk), (agent.pk, administrator.user.pk)]


def test_a_deactivation_rolled_back_announces_nothing(agent, announced, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        services.person_deactivate(user=agent.user, actor=None)
        transaction.set_rollback(True)  # as an import that fails further on

    agent.user.refresh_from_db()
    assert agent.user.is_active
    assert announced == []


def test_a_deactivation_is_refused_to_someone_who_may_not_change_accounts(agent, manager, announced) -> None:
    with pytest.raises(AccountChangeRefused, match="Only an account administrator may deactivate"):
        services.person_deactivate(user=agent.user, actor=manager.user)

    agent.user.refresh_from_db()
    assert agent.user.is_active
    assert not AuditEvent.objects.exists()


def test_an_administrator_creates_renames_and_deletes_a_department_audited(administrator) -> None:
    department = services.department_create(name="Sales", code="SAL", actor=administrator.user)
    services.department_rename(department=department, name="Sales EMEA", actor=administrator.user)
    pk = department.pk
    services.department_delete(department=department, actor=administrator.user)

    events = AuditEvent.objects.filter(object_type="people.department", object_id=str(pk))
    assert sorted(events.values_list("action", flat=True)) == [
        "people.department.change",
        "people.department.create",
        "people.department.delete",
    ]
    assert events.get(action="people.department.change").details == {"name": ["Sales", "Sales EMEA"]}


@pytest.mark.parametrize(("name", "code"), [("Support", "NEW"), ("New", "SUP"), ("New", "lower case")])
def test_a_department_with_a_taken_or_malformed_name_or_code_is_refused(support, name: str, code: str) -> None:
    with pytest.raises(StaffChangeRefused):
        services.department_create(name=name, code=code, actor=None)


def test_departments_are_changed_only_by_those_allowed(agent, support) -> None:
    with pytest.raises(AccountChangeRefused):
        services.department_create(name="Mine", code="MINE", actor=agent.user)
    with pytest.raises(AccountChangeRefused):
        services.department_delete(department=support, actor=agent.user)


def test_a_department_with_people_or_sub_departments_is_not_deleted(administrator, agent, support) -> None:
    with pytest.raises(StaffChangeRefused):
        services.department_delete(department=support, actor=administrator.user)
    parent = DepartmentFactory(name="Operations", code="OPS")
    DepartmentFactory(name="Night shift", code="NIGHT", parent=parent)
    with pytest.raises(StaffChangeRefused):
        services.department_delete(department=parent, actor=None)
