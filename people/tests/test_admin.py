"""Administration without escalation: who may change which account in the admin, and the audit of it."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.forms import MultiWidget
from django.test import Client

from audit.models import AuditEvent
from people.models import StaffProfile
from people.rights import AccountChangeRefused
from people.services import person_deactivate, person_reactivate
from people.tests.factories import StaffProfileFactory, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-new-long-passphrase-9"


@pytest.fixture
def superuser(db) -> StaffProfile:
    return StaffProfileFactory(user__username="sam", user__is_superuser=True, user__is_staff=True)


def change_url(user: User) -> str:
    return f"/admin/auth/user/{user.pk}/change/"


def form_data(response: Any) -> dict[str, Any]:
    """What the admin change form would post back unchanged, inlines included."""
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        forms += [inline.formset.management_form, *inline.formset.forms]
    data: dict[str, Any] = {}
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            key = form.add_prefix(name)
            if value is None or value is False:
                continue
            if isinstance(form.fields[name].widget, MultiWidget):
                data.update(
                    {f"{key}_{i}": str(part) for i, part in enumerate(form.fields[name].widget.decompress(value))}
                )
                continue
            if value is True:
                value = "on"
            elif isinstance(value, list | tuple):
                value = [str(getattr(item, "pk", item)) for item in value]
            else:
                value = str(getattr(value, "pk", value))
            data[key] = value
    return data


def post_change(client: Client, user: User, **changes: Any) -> Any:
    """Post the account's change form with `changes`; a form the person may not open posts nothing else."""
    page = client.get(change_url(user))
    data = form_data(page) if page.status_code == 200 and "adminform" in page.context else {}
    return client.post(change_url(user), {**data, **changes})


def post_password(client: Client, user: User, confirmation: str = NEW_PASSWORD) -> Any:
    return client.post(
        f"/admin/auth/user/{user.pk}/password/",
        {"password1": NEW_PASSWORD, "password2": confirmation, "usable_password": "true"},
    )


def role_id(name: str) -> str:
    return str(Group.objects.get(name=name).pk)


# --- The holes the audit found ------------------------------------------------------------------


def test_an_administrator_cannot_take_over_a_superuser_by_setting_their_password(
    client: Client, administrator, superuser
) -> None:
    client.force_login(administrator.user)

    response = post_password(client, superuser.user)

    superuser.user.refresh_from_db()
    assert response.status_code == 403
    assert not superuser.user.check_password(NEW_PASSWORD)
    assert not AuditEvent.objects.filter(action__startswith="people.account").exists()


def test_an_administrator_cannot_give_themselves_a_role_and_the_exports_stay_closed(
    client: Client, administrator
) -> None:
    client.force_login(administrator.user)

    post_change(client, administrator.user, groups=[role_id("Administrator"), role_id("Compliance officer")])

    assert set(administrator.user.groups.values_list("name", flat=True)) == {"Administrator"}
    assert client.get("/acknowledgements/export/signatures.csv").status_code == 403


def test_an_administrator_is_offered_only_the_roles_they_may_hand_out(client: Client, administrator, agent) -> None:
    client.force_login(administrator.user)

    offered = client.get(change_url(agent.user)).context["adminform"].form.fields["groups"].queryset

    # Manager and Compliance officer hold rights the Administrator does not (publishing, exports).
    assert set(offered.values_list("name", flat=True)) == {"Agent"}


def test_an_administrator_cannot_take_over_a_compliance_officer_by_setting_their_password(
    client: Client, administrator, compliance_officer
) -> None:
    client.force_login(administrator.user)

    response = post_password(client, compliance_officer.user)

    compliance_officer.user.refresh_from_db()
    assert response.status_code == 403
    assert "holds rights you do not hold" in response.content.decode()
    assert not compliance_officer.user.check_password(NEW_PASSWORD)


def test_an_administrator_cannot_give_an_account_they_control_rights_they_lack(
    client: Client, administrator, agent
) -> None:
    client.force_login(administrator.user)
    post_password(client, agent.user)

    response = post_change(client, agent.user, groups=[role_id("Agent"), role_id("Compliance officer")])

    assert response.status_code == 200  # The form refuses a role it does not offer.
    assert set(agent.user.groups.values_list("name", flat=True)) == {"Agent"}
    assert not AuditEvent.objects.filter(action="people.account.rights_change").exists()


def test_an_administrator_manages_an_account_whose_rights_are_within_their_own(
    client: Client, administrator, agent
) -> None:
    client.force_login(administrator.user)

    assert change_details(client, agent.user)
    assert set_password(client, agent.user)


def test_a_role_change_is_audited_with_what_was_added(client: Client, superuser, agent) -> None:
    client.force_login(superuser.user)

    response = post_change(client, agent.user, groups=[role_id("Agent"), role_id("Manager")])

    assert response.status_code == 302
    event = AuditEvent.objects.get(action="people.account.rights_change")
    assert event.actor == superuser.user
    assert event.object_id == str(agent.user.pk)
    assert event.details == {"roles_added": ["Manager"], "roles_removed": []}


def test_a_password_set_in_the_admin_is_audited_and_works(client: Client, administrator, agent) -> None:
    client.force_login(administrator.user)

    response = post_password(client, agent.user)

    agent.user.refresh_from_db()
    assert response.status_code == 302
    assert agent.user.check_password(NEW_PASSWORD)
    event = AuditEvent.objects.get(action="people.account.password_set")
    assert (event.actor, event.object_id, event.details) == (administrator.user, str(agent.user.pk), {"usable": True})


def test_ones_own_password_is_changed_on_the_account_page(client: Client, administrator) -> None:
    client.force_login(administrator.user)

    response = post_password(client, administrator.user)

    administrator.user.refresh_from_db()
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password_change/"
    assert not administrator.user.check_password(NEW_PASSWORD)


def test_a_mistyped_password_is_shown_again_and_nothing_is_set(client: Client, administrator, agent) -> None:
    client.force_login(administrator.user)

    response = post_password(client, agent.user, confirmation="something else")

    agent.user.refresh_from_db()
    assert response.status_code == 200
    assert "didn’t match" in response.content.decode()
    assert not agent.user.check_password(NEW_PASSWORD)
    assert not AuditEvent.objects.exists()


def test_a_deactivated_administrator_stays_out_of_another_administrators_reach(client: Client, administrator) -> None:
    other = StaffProfileFactory(user__roles=["Administrator"], user__is_active=False)
    client.force_login(administrator.user)

    response = post_change(client, other.user, is_active="on")

    other.user.refresh_from_db()
    assert response.status_code == 403
    assert not other.user.is_active


def test_a_refusal_in_the_admin_says_why(client: Client, administrator, superuser) -> None:
    client.force_login(administrator.user)

    response = client.get(f"/admin/auth/user/{superuser.user.pk}/password/")

    assert response.status_code == 403
    assert "Only a superuser may change the account of a superuser" in response.content.decode()


def test_the_change_form_of_an_account_takes_a_bounded_number_of_queries(
    client: Client, superuser, agent, django_assert_max_num_queries
) -> None:
    client.force_login(superuser.user)

    with django_assert_max_num_queries(25):
        response = client.get(change_url(agent.user))
    assert response.status_code == 200
    assert 'name="username" value="ana"' in response.content.decode()


# --- The matrix: each role × each admin action × each kind of account ---------------------------

ACTORS = ["agent", "manager", "compliance_officer", "administrator", "superuser"]
TARGETS = ["self", "agent", "manager", "compliance_officer", "administrator", "superuser"]
TARGET_ACCOUNTS: dict[str, dict[str, Any]] = {
    "agent": {"user__roles": ["Agent"]},
    "manager": {"user__roles": ["Manager"]},
    "compliance_officer": {"user__roles": ["Compliance officer"]},
    "administrator": {"user__roles": ["Administrator"], "user__is_staff": True},
    "superuser": {"user__is_superuser": True, "user__is_staff": True},
}


def change_details(client: Client, user: User) -> bool:
    post_change(client, user, first_name="Changed")
    user.refresh_from_db()
    return user.first_name == "Changed"


def set_password(client: Client, user: User) -> bool:
    post_password(client, user)
    user.refresh_from_db()
    return user.check_password(NEW_PASSWORD)


def add_a_role(client: Client, user: User) -> bool:
    held = set(user.groups.values_list("name", flat=True))
    role = next(name for name in ("Compliance officer", "Manager") if name not in held)
    post_change(client, user, groups=[*map(role_id, held), role_id(role)])
    return user.groups.filter(name=role).exists()


def flip(flag: str) -> Any:
    def action(client: Client, user: User) -> bool:
        before = getattr(user, flag)
        changes = {flag: "on"} if not before else {}
        page = client.get(change_url(user))
        data = form_data(page) if page.status_code == 200 and "adminform" in page.context else {}
        data.pop(flag, None)
        client.post(change_url(user), {**data, **changes})
        user.refresh_from_db()
        return getattr(user, flag) != before

    return action


def give_a_permission(client: Client, user: User) -> bool:
    permission = Permission.objects.get(codename="export_acknowledgements")
    post_change(client, user, user_permissions=[str(permission.pk)])
    return user.user_permissions.filter(pk=permission.pk).exists()


def delete(client: Client, user: User) -> bool:
    client.post(f"/admin/auth/user/{user.pk}/delete/", {"post": "yes"})
    return not User.objects.filter(pk=user.pk).exists()


def delete_in_bulk(client: Client, user: User) -> bool:
    client.post("/admin/auth/user/", {"action": "delete_selected", "_selected_action": [user.pk], "post": "yes"})
    return not User.objects.filter(pk=user.pk).exists()


def deactivate_in_bulk(client: Client, user: User) -> bool:
    client.post("/admin/auth/user/", {"action": "deactivate_people", "_selected_action": [user.pk]})
    user.refresh_from_db()
    return not user.is_active


ACTIONS = {
    "change details": change_details,
    "set password": set_password,
    "add a role": add_a_role,
    "give a one-off permission": give_a_permission,
    "flip staff": flip("is_staff"),
    "flip superuser": flip("is_superuser"),
    "delete": delete,
    "delete in bulk": delete_in_bulk,
    "deactivate in bulk": deactivate_in_bulk,
}
# The audit event each successful action leaves (changing details and deactivating are Django's log).
AUDITED = {
    "set password": "people.account.password_set",
    "add a role": "people.account.rights_change",
    "give a one-off permission": "people.account.rights_change",
    "flip staff": "people.account.rights_change",
    "flip superuser": "people.account.rights_change",
    "delete": "people.account.delete",
    "delete in bulk": "people.account.delete",
}


def may(actor: str, action: str, target: str) -> bool:
    """The rules of people.rights, written out as the table a reviewer checks."""
    if actor not in ("administrator", "superuser"):
        return False  # No access to the admin at all.
    if target == "self":
        return action == "change details"
    if actor == "superuser":
        return True
    if action == "deactivate in bulk":
        # Deactivating grants nothing: only the accounts that hand out rights are a superuser's.
        return target not in ("administrator", "superuser")
    if target != "agent":
        # Nobody raises their own rights: a manager, a compliance officer, an administrator and a
        # superuser each hold a permission the Administrator does not.
        return False
    # Every role left to add (Compliance officer, Manager) holds rights the Administrator lacks.
    return action in ("change details", "set password", "deactivate in bulk")


@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("action", sorted(ACTIONS))
@pytest.mark.parametrize("actor", ACTORS)
def test_admin_matrix(request, client: Client, actor: str, action: str, target: str) -> None:
    actor_user = request.getfixturevalue(actor).user
    target_user = actor_user if target == "self" else StaffProfileFactory(**TARGET_ACCOUNTS[target]).user
    client.force_login(actor_user)

    done = ACTIONS[action](client, target_user)

    allowed = may(actor, action, target)
    assert done == allowed
    events = AuditEvent.objects.filter(action__startswith="people.account", object_id=str(target_user.pk))
    if allowed and action in AUDITED:
        assert list(events.values_list("action", "actor")) == [(AUDITED[action], actor_user.pk)]
    else:
        assert not events.exists()


@pytest.mark.parametrize("actor", ACTORS)
def test_only_a_superuser_changes_what_a_role_may_do(request, client: Client, actor: str) -> None:
    role = Group.objects.get(name="Agent")
    permission = Permission.objects.get(codename="export_acknowledgements")
    client.force_login(request.getfixturevalue(actor).user)

    client.post(
        f"/admin/auth/group/{role.pk}/change/",
        {"name": "Agent", "permissions": [*role.permissions.values_list("pk", flat=True), permission.pk]},
    )

    granted = role.permissions.filter(pk=permission.pk).exists()
    assert granted == (actor == "superuser")
    events = AuditEvent.objects.filter(action="people.role.change")
    assert events.count() == (1 if granted else 0)
    if granted:
        assert events.get().details == {
            "permissions_added": ["acknowledgements.export_acknowledgements"],
            "permissions_removed": [],
        }


def test_an_administrator_cannot_change_a_superusers_staff_record(client: Client, administrator, superuser) -> None:
    client.force_login(administrator.user)

    response = client.post(f"/admin/people/staffprofile/{superuser.pk}/change/", {"job_title": "Changed"})

    superuser.refresh_from_db()
    assert response.status_code == 403
    assert superuser.job_title != "Changed"


def test_a_superuser_renaming_a_role_is_audited(client: Client, superuser) -> None:
    role = Group.objects.get(name="Agent")
    client.force_login(superuser.user)

    client.post(
        f"/admin/auth/group/{role.pk}/change/",
        {"name": "Customer agent", "permissions": list(role.permissions.values_list("pk", flat=True))},
    )

    role.refresh_from_db()
    assert role.name == "Customer agent"
    assert AuditEvent.objects.get(action="people.role.change").details == {"name": ["Agent", "Customer agent"]}


def test_an_account_created_in_the_admin_is_audited(client: Client, administrator) -> None:
    client.force_login(administrator.user)

    response = client.post(
        "/admin/auth/user/add/",
        {
            "username": "newcomer",
            "usable_password": "true",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
            "profile-TOTAL_FORMS": "0",
            "profile-INITIAL_FORMS": "0",
        },
    )

    user = User.objects.get(username="newcomer")
    assert response.status_code == 302
    assert user.check_password(NEW_PASSWORD)
    assert not user.is_staff
    assert not user.is_superuser
    event = AuditEvent.objects.get(action="people.account.create")
    assert (event.actor, event.object_id) == (administrator.user, str(user.pk))


def test_a_staff_record_stays_with_its_account_and_a_move_is_audited(client: Client, administrator, agent) -> None:
    other = StaffProfileFactory(user__roles=["Agent"])
    new_department = StaffProfileFactory().department
    client.force_login(administrator.user)
    url = f"/admin/people/staffprofile/{agent.pk}/change/"

    client.post(url, {**form_data(client.get(url)), "user": str(other.user.pk), "department": str(new_department.pk)})

    agent.refresh_from_db()
    assert agent.user.username == "ana"
    assert agent.department == new_department
    event = AuditEvent.objects.get(action="people.person.move")
    assert event.actor == administrator.user
    assert event.details == {"department": ["Support", str(new_department)]}


def test_a_staff_record_added_in_the_admin_is_a_hire(
    client: Client, administrator, support, announced, django_capture_on_commit_callbacks
) -> None:
    account = UserFactory(username="newbie")
    client.force_login(administrator.user)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/people/staffprofile/add/",
            {"user": account.pk, "department": support.pk, "employee_id": "E90001", "preferred_language": "en"},
        )

    assert response.status_code == 302
    hired = StaffProfile.objects.get(user=account)
    assert (hired.department, hired.employee_id) == (support, "E90001")
    event = AuditEvent.objects.get(action="people.person.hire")
    assert (event.actor, event.object_id, event.details) == (
        administrator.user,
        str(hired.pk),
        {"department": "Support", "manager": ""},
    )
    assert announced == [(hired.pk, administrator.user.pk)]


def test_an_account_created_with_its_staff_record_in_the_admin_is_a_hire(
    client: Client, administrator, support, announced, django_capture_on_commit_callbacks
) -> None:
    client.force_login(administrator.user)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/admin/auth/user/add/",
            {
                "username": "newcomer",
                "usable_password": "true",
                "password1": NEW_PASSWORD,
                "password2": NEW_PASSWORD,
                "profile-TOTAL_FORMS": "1",
                "profile-INITIAL_FORMS": "0",
                "profile-0-department": support.pk,
                "profile-0-employee_id": "E90002",
                "profile-0-preferred_language": "en",
            },
        )

    hired = StaffProfile.objects.get(user__username="newcomer")
    assert list(AuditEvent.objects.order_by("pk").values_list("action", "actor")) == [
        ("people.account.create", administrator.user.pk),
        ("people.person.hire", administrator.user.pk),
    ]
    assert announced == [(hired.pk, administrator.user.pk)]


def test_a_move_in_the_admin_is_announced_once_committed_as_the_administrator(
    client: Client, administrator, agent, announced, django_capture_on_commit_callbacks
) -> None:
    new_department = StaffProfileFactory().department
    client.force_login(administrator.user)
    url = f"/admin/people/staffprofile/{agent.pk}/change/"

    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {**form_data(client.get(url)), "department": str(new_department.pk)})

    assert StaffProfile.objects.get(pk=agent.pk).department == new_department
    assert AuditEvent.objects.get(action="people.person.move").actor == administrator.user
    assert announced == [(agent.pk, administrator.user.pk)]


def test_a_new_job_title_in_the_admin_is_saved_and_moves_nobody(
    client: Client, administrator, agent, announced, django_capture_on_commit_callbacks
) -> None:
    client.force_login(administrator.user)
    url = f"/admin/people/staffprofile/{agent.pk}/change/"

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {**form_data(client.get(url)), "job_title": "Team lead"})

    assert response.status_code == 302
    assert StaffProfile.objects.get(pk=agent.pk).job_title == "Team lead"
    assert not AuditEvent.objects.filter(action__startswith="people.person").exists()
    assert announced == []


# --- Leavers and returners: an Administrator's job, whatever rights the person holds ------------


def act_in_bulk(client: Client, action: str, user: User) -> Any:
    return client.post("/admin/auth/user/", {"action": action, "_selected_action": [user.pk]}, follow=True)


@pytest.mark.parametrize("target", ["manager", "compliance_officer"])
def test_an_administrator_deactivates_and_reactivates_a_leaver_with_rights_beyond_their_own(
    request, client: Client, administrator, target: str
) -> None:
    person = request.getfixturevalue(target).user
    client.force_login(administrator.user)

    left = act_in_bulk(client, "deactivate_people", person)
    person.refresh_from_db()
    assert not person.is_active
    assert "1 person deactivated; they can no longer sign in." in left.content.decode()

    back = act_in_bulk(client, "reactivate_people", person)
    person.refresh_from_db()
    assert person.is_active
    assert "1 person reactivated; they can sign in again." in back.content.decode()
    assert list(
        AuditEvent.objects.filter(object_id=str(person.pk), action__startswith="people.person")
        .order_by("pk")
        .values_list("action", "actor")
    ) == [
        ("people.person.deactivate", administrator.user.pk),
        ("people.person.reactivate", administrator.user.pk),
    ]


@pytest.mark.parametrize("target", ["manager", "compliance_officer"])
def test_an_administrator_who_may_deactivate_someone_still_cannot_set_their_password_or_roles(
    request, client: Client, administrator, target: str
) -> None:
    person = request.getfixturevalue(target).user
    client.force_login(administrator.user)

    assert not set_password(client, person)
    assert not add_a_role(client, person)


def test_an_administrator_cannot_reactivate_a_superuser(client: Client, administrator, superuser) -> None:
    person_deactivate(user=superuser.user, actor=None)
    client.force_login(administrator.user)

    assert act_in_bulk(client, "reactivate_people", superuser.user).status_code == 403
    superuser.user.refresh_from_db()
    assert not superuser.user.is_active


def test_an_administrator_cannot_deactivate_themselves(client: Client, administrator) -> None:
    client.force_login(administrator.user)

    response = act_in_bulk(client, "deactivate_people", administrator.user)

    assert response.status_code == 403
    administrator.user.refresh_from_db()
    assert administrator.user.is_active


def test_the_services_refuse_an_activity_change_the_rules_refuse(administrator, superuser) -> None:
    with pytest.raises(AccountChangeRefused):
        person_deactivate(user=superuser.user, actor=administrator.user)
    with pytest.raises(AccountChangeRefused):
        person_reactivate(user=administrator.user, actor=administrator.user)
