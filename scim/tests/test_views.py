"""The SCIM endpoint as an identity provider drives it: tokens, Users, errors, pages, filters, Groups."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from audit.models import AuditEvent
from people.models import Department, StaffProfile, UserSession
from people.tests.factories import DepartmentFactory, StaffProfileFactory
from scim.models import ScimAccount
from scim.services import token_revoke
from scim.wire import ENTERPRISE_URN

pytestmark = pytest.mark.django_db

USERS = "/scim/v2/Users"
GROUPS = "/scim/v2/Groups"
GROUP_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Group"
USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User"
PATCH_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
ERROR_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:Error"


def send(client: Client, method: str, url: str, payload: Any) -> Any:
    body = payload if isinstance(payload, str) else json.dumps(payload)
    return getattr(client, method)(url, body, content_type="application/scim+json")


def new_user(**enterprise: Any) -> dict[str, Any]:
    return {
        "schemas": [USER_SCHEMA, ENTERPRISE_URN],
        "userName": "bjensen@example.com",
        "name": {"givenName": "Barbara", "familyName": "Jensen"},
        "emails": [{"value": "bjensen@example.com", "type": "work", "primary": True}],
        "title": "Tour guide",
        "externalId": "entra-7",
        ENTERPRISE_URN: {"employeeNumber": "E-701", "department": "Support", **enterprise},
    }


def patch(*operations: dict[str, Any]) -> dict[str, Any]:
    return {"schemas": [PATCH_SCHEMA], "Operations": list(operations)}


def assert_error(response: Any, status: int, scim_type: str | None = None) -> None:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/scim+json"
    body = response.json()
    assert body["schemas"] == [ERROR_SCHEMA]
    assert body["status"] == str(status)
    assert body["detail"]
    assert body.get("scimType") == scim_type


@pytest.mark.parametrize("authorization", [None, "Bearer scim_unknown", "Basic YWxleDpwdw=="])
def test_an_unknown_or_missing_token_gets_401(scim, authorization: str | None) -> None:
    client = Client(headers={"Authorization": authorization} if authorization else {})

    response = client.get(USERS)

    assert_error(response, 401)
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_revoked_token_gets_403_and_changes_nothing(scim, scim_token, administrator, agent) -> None:
    token, _secret = scim_token
    token_revoke(token=token, actor=administrator.user)

    assert_error(scim.get(USERS), 403)
    assert_error(
        send(scim, "patch", f"{USERS}/{agent.user_id}", patch({"op": "replace", "path": "active", "value": False})), 403
    )
    agent.user.refresh_from_db()
    assert agent.user.is_active


def test_a_session_is_no_way_in(client: Client, administrator) -> None:
    client.force_login(administrator.user)

    assert_error(client.get(USERS), 401)


def test_it_provisions_a_person_through_the_people_services(scim, scim_token, support, manager) -> None:
    response = send(scim, "post", USERS, new_user(manager={"value": str(manager.user_id)}))

    assert response.status_code == 201, response.content
    body = response.json()
    assert response["Location"] == body["meta"]["location"] == f"http://testserver{USERS}/{body['id']}"
    person = StaffProfile.objects.select_related("user").get(user_id=body["id"])
    assert (person.user.username, person.user.first_name, person.user.email) == (
        "bjensen@example.com",
        "Barbara",
        "bjensen@example.com",
    )
    assert (person.employee_id, person.department, person.manager, person.job_title) == (
        "E-701",
        support,
        manager,
        "Tour guide",
    )
    assert not person.user.has_usable_password()
    assert ScimAccount.objects.get(user=person.user).external_id == "entra-7"
    assert body[ENTERPRISE_URN] == {
        "employeeNumber": "E-701",
        "department": "Support",
        "manager": {"value": str(manager.user_id), "$ref": f"http://testserver{USERS}/{manager.user_id}"},
    }
    actions = set(AuditEvent.objects.filter(object_id=str(person.user_id)).values_list("action", flat=True))
    assert {"people.account.create", "scim.user.provision"} <= actions
    assert AuditEvent.objects.filter(action="people.person.hire", object_id=str(person.pk)).exists()
    provision = AuditEvent.objects.get(action="scim.user.provision")
    token, _secret = scim_token
    assert provision.details == {"operation": "create", "token": str(token), "token_id": token.pk}


def test_a_person_provisioned_without_a_department_starts_in_the_default_one(scim, administrator) -> None:
    response = send(scim, "post", USERS, {"schemas": [USER_SCHEMA], "userName": "nodept"})

    assert response.status_code == 201, response.content
    person = StaffProfile.objects.get(user__username="nodept")
    assert person.department.code == "HR"
    assert person.employee_id == f"SCIM-{person.user_id}"


@pytest.mark.parametrize(
    ("payload", "status", "scim_type"),
    [
        ("{not json", 400, "invalidSyntax"),
        ({"schemas": [USER_SCHEMA], "name": {"givenName": "No username"}}, 400, "invalidValue"),
        (new_user(department="Nowhere"), 400, "invalidValue"),
        (new_user(manager={"value": "999999"}), 400, "invalidValue"),
        ({**new_user(), "userName": "bad user name!"}, 400, "invalidValue"),
        ({**new_user(), "userName": "MIA"}, 409, "uniqueness"),
        (new_user(employeeNumber="TAKEN-1"), 409, "uniqueness"),
    ],
)
def test_bad_input_gets_a_scim_error_and_saves_nothing(
    scim, support, payload: Any, status: int, scim_type: str
) -> None:
    StaffProfileFactory(user__username="mia", employee_id="TAKEN-1", department=support)
    before = StaffProfile.objects.count()

    response = send(scim, "post", USERS, payload)

    assert_error(response, status, scim_type)
    assert StaffProfile.objects.count() == before


def test_put_replaces_and_moves_the_person(scim, support, agent, manager, second_manager) -> None:
    sales = DepartmentFactory(name="Sales", code="SAL")
    payload = new_user(department="SAL", manager={"value": str(second_manager.user_id)})

    response = send(scim, "put", f"{USERS}/{agent.user_id}", {**payload, "userName": agent.user.username})

    assert response.status_code == 200, response.content
    agent.refresh_from_db()
    assert (agent.department, agent.manager, agent.employee_id, agent.job_title) == (
        sales,
        second_manager,
        "E-701",
        "Tour guide",
    )
    assert (agent.user.first_name, agent.user.last_name) == ("Barbara", "Jensen")
    move = AuditEvent.objects.get(action="people.person.move")
    assert move.details["department"] == ["Support", "Sales"]
    assert AuditEvent.objects.filter(action="people.account.change", object_id=str(agent.user_id)).exists()


def test_a_manager_cycle_is_refused(scim, agent, manager) -> None:
    response = send(
        scim,
        "patch",
        f"{USERS}/{manager.user_id}",
        patch({"op": "replace", "path": f"{ENTERPRISE_URN}:manager", "value": {"value": str(agent.user_id)}}),
    )

    assert_error(response, 400, "invalidValue")
    assert "report to themselves" in response.json()["detail"]
    manager.refresh_from_db()
    assert manager.manager is None


def test_patch_active_false_deactivates_and_ends_sessions(scim, client: Client, agent, sign_in) -> None:
    sign_in(agent)
    assert UserSession.objects.filter(user=agent.user).exists()

    response = send(scim, "patch", f"{USERS}/{agent.user_id}", patch({"op": "replace", "value": {"active": False}}))

    assert response.status_code == 200, response.content
    assert response.json()["active"] is False
    agent.user.refresh_from_db()
    assert not agent.user.is_active
    assert not UserSession.objects.filter(user=agent.user).exists()
    assert AuditEvent.objects.filter(action="people.person.deactivate", object_id=str(agent.user_id)).exists()

    send(scim, "patch", f"{USERS}/{agent.user_id}", patch({"op": "replace", "path": "active", "value": True}))
    agent.user.refresh_from_db()
    assert agent.user.is_active


def test_a_manager_given_by_id_alone_is_taken_as_entra_id_sends_it(scim, agent, second_manager) -> None:
    operation = {"op": "Replace", "path": f"{ENTERPRISE_URN}:manager", "value": str(second_manager.user_id)}

    response = send(scim, "patch", f"{USERS}/{agent.user_id}", patch(operation))

    assert response.status_code == 200, response.content
    agent.refresh_from_db()
    assert agent.manager == second_manager


def test_patch_add_and_remove(scim, agent) -> None:
    response = send(
        scim,
        "patch",
        f"{USERS}/{agent.user_id}",
        patch({"op": "add", "path": "title", "value": "Team lead"}, {"op": "remove", "path": "name.givenName"}),
    )

    assert response.status_code == 200, response.content
    agent.refresh_from_db()
    assert (agent.job_title, agent.user.first_name) == ("Team lead", "")


@pytest.mark.parametrize("path", ["active", f"{ENTERPRISE_URN}:department", f"{ENTERPRISE_URN}:employeeNumber"])
def test_what_every_person_has_cannot_be_removed(scim, agent, path: str) -> None:
    response = send(scim, "patch", f"{USERS}/{agent.user_id}", patch({"op": "remove", "path": path}))

    assert_error(response, 400, "mutability")


def test_delete_deactivates_and_the_person_is_gone_for_scim(scim, client: Client, agent, sign_in) -> None:
    sign_in(agent)

    response = scim.delete(f"{USERS}/{agent.user_id}")

    assert response.status_code == 204
    agent.user.refresh_from_db()
    assert not agent.user.is_active
    assert not UserSession.objects.filter(user=agent.user).exists()
    assert StaffProfile.objects.filter(pk=agent.pk).exists()
    assert_error(scim.get(f"{USERS}/{agent.user_id}"), 404)
    assert scim.get(f'{USERS}?filter=userName eq "{agent.user.username}"').json()["totalResults"] == 0


def test_a_list_is_paginated(scim, support) -> None:
    people = StaffProfileFactory.create_batch(5, department=support)
    ids = sorted(str(person.user_id) for person in people)

    body = scim.get(f"{USERS}?startIndex=2&count=2").json()

    assert (body["totalResults"], body["startIndex"], body["itemsPerPage"]) == (6, 2, 2)
    everyone = [resource["id"] for resource in scim.get(USERS).json()["Resources"]]
    assert [resource["id"] for resource in body["Resources"]] == everyone[1:3]
    assert set(ids) <= set(everyone)
    assert scim.get(f"{USERS}?startIndex=99").json()["Resources"] == []
    assert scim.get(f"{USERS}?count=0").json()["totalResults"] == 6


@pytest.mark.parametrize("query", ["startIndex=x", "count=many"])
def test_a_malformed_page_is_refused(scim, query: str) -> None:
    assert_error(scim.get(f"{USERS}?{query}"), 400, "invalidValue")


def test_a_filter_on_username_finds_the_person(scim, agent, manager) -> None:
    body = scim.get(f'{USERS}?filter=userName eq "{agent.user.username.upper()}"').json()

    assert body["totalResults"] == 1
    assert body["Resources"][0]["id"] == str(agent.user_id)


@pytest.mark.parametrize(
    "expression",
    ['userName co "a"', 'title eq "x"', "userName eq", 'userName eq "a" or userName eq "b"', r'userName eq "a\q"'],
)
def test_other_filters_are_refused(scim, agent, expression: str) -> None:
    assert_error(scim.get(USERS, {"filter": expression}), 400, "invalidFilter")


def test_a_search_by_post_filters_too(scim, agent, manager) -> None:
    response = send(
        scim,
        "post",
        f"{USERS}/.search",
        {
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],
            "filter": f'userName eq "{agent.user.username}"',
            "attributes": ["userName"],
        },
    )

    assert response.status_code == 200, response.content
    assert [resource["userName"] for resource in response.json()["Resources"]] == [agent.user.username]
    assert "name" not in response.json()["Resources"][0]


def _people(support: Any, count: int) -> None:
    for _ in range(count):
        StaffProfileFactory(department=support, manager=StaffProfileFactory(department=support))


@pytest.mark.parametrize("count", [1, 21])
def test_a_list_costs_the_same_few_queries_however_many_people(
    scim, support, django_assert_num_queries, count: int
) -> None:
    _people(support, count)
    # The token and its last use; the count; the page with accounts, SCIM ids, departments and managers.
    with django_assert_num_queries(4):
        response = scim.get(USERS)

    assert response.json()["totalResults"] == 2 * count + 1


def test_a_wrong_method_gets_405(scim, agent) -> None:
    assert_error(scim.delete(USERS), 405)


def test_groups_are_the_departments(scim, support, agent, manager) -> None:
    body = scim.get(GROUPS).json()
    support_group = next(group for group in body["Resources"] if group["displayName"] == "Support")

    assert {member["value"] for member in support_group["members"]} == {str(agent.user_id), str(manager.user_id)}
    assert scim.get(f"{GROUPS}/{support.pk}").json()["displayName"] == "Support"
    assert scim.get(f'{GROUPS}?filter=displayName eq "support"').json()["totalResults"] == 1
    for unknown in ("0", "99999999999999999999", "²", "abc"):
        assert_error(scim.get(f"{GROUPS}/{unknown}"), 404)
        assert_error(scim.get(f"{USERS}/{unknown}"), 404)


def test_a_new_group_is_a_new_department_with_its_members_moved_in(scim, scim_token, support, agent) -> None:
    payload = {"schemas": [GROUP_SCHEMA], "displayName": "Sales EMEA", "members": [{"value": str(agent.user_id)}]}

    response = send(scim, "post", GROUPS, payload)

    assert response.status_code == 201, response.content
    department = Department.objects.get(name="Sales EMEA")
    assert (response.json()["id"], department.code) == (str(department.pk), "SALES-EMEA")
    agent.refresh_from_db()
    assert agent.department == department
    assert AuditEvent.objects.filter(action="people.department.create", object_id=str(department.pk)).exists()
    assert AuditEvent.objects.filter(action="people.person.move", object_id=str(agent.pk)).exists()
    token, _secret = scim_token
    assert AuditEvent.objects.get(action="scim.group.provision").details["token_id"] == token.pk
    assert_error(send(scim, "post", GROUPS, {**payload, "displayName": "sales emea"}), 409, "uniqueness")


def test_a_member_left_out_goes_to_the_default_department(scim, administrator, support, agent, manager) -> None:
    payload = {
        "schemas": [GROUP_SCHEMA],
        "displayName": "Customer support",
        "members": [{"value": str(manager.user_id)}],
    }

    response = send(scim, "put", f"{GROUPS}/{support.pk}", payload)

    assert response.status_code == 200, response.content
    support.refresh_from_db()
    agent.refresh_from_db()
    manager.refresh_from_db()
    assert (support.name, manager.department, agent.department) == (
        "Customer support",
        support,
        administrator.department,
    )
    assert [member["value"] for member in response.json()["members"]] == [str(manager.user_id)]


def test_an_unknown_member_is_refused(scim, support) -> None:
    payload = patch({"op": "add", "path": "members", "value": [{"value": "999999"}]})

    assert_error(send(scim, "patch", f"{GROUPS}/{support.pk}", payload), 400, "invalidValue")


def test_a_department_with_people_is_not_deleted_an_empty_one_is(scim, support, agent) -> None:
    assert_error(scim.delete(f"{GROUPS}/{support.pk}"), 400, "mutability")
    assert Department.objects.filter(pk=support.pk).exists()
    empty = DepartmentFactory(name="Empty", code="EMPTY")

    assert scim.delete(f"{GROUPS}/{empty.pk}").status_code == 204

    assert not Department.objects.filter(pk=empty.pk).exists()
    assert AuditEvent.objects.filter(action="people.department.delete", object_id=str(empty.pk)).exists()


def test_a_search_across_resource_types_is_not_implemented(scim) -> None:
    response = send(
        scim, "post", "/scim/v2/.search", {"schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"]}
    )

    assert_error(response, 501)


def test_the_discovery_documents_declare_what_is_supported(scim, support) -> None:
    config = scim.get("/scim/v2/ServiceProviderConfig").json()
    assert (config["patch"], config["filter"], config["bulk"]["supported"], config["sort"], config["etag"]) == (
        {"supported": True},
        {"supported": True, "maxResults": 200},
        False,
        {"supported": False},
        {"supported": False},
    )
    types = scim.get("/scim/v2/ResourceTypes").json()["Resources"]
    assert [resource_type["id"] for resource_type in types] == ["User", "Group"]
    schemas = {schema["id"]: schema for schema in scim.get("/scim/v2/Schemas").json()["Resources"]}
    enterprise = {attribute["name"]: attribute for attribute in schemas[ENTERPRISE_URN]["attributes"]}
    assert set(enterprise) == {"employeeNumber", "department", "manager"}
    assert "Support" in enterprise["department"]["canonicalValues"]
    assert_error(scim.get("/scim/v2/Schemas/urn:nothing"), 404)
