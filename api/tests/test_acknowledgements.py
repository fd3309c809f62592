"""Acknowledgement requests, waiving one, signatures with their chain, and a version's figures, through the API."""

from __future__ import annotations

import datetime
import hashlib
import json

import pytest

from acknowledgements import services
from acknowledgements.models import AcknowledgementRequest, RequestStatus, Signature
from acknowledgements.tests.dashboard.helpers import DASHBOARD, make_overdue, request_of, sign, today, waive
from api.models import TokenScope
from api.resources.acknowledgements import API_HASHED_FIELDS, API_KIOSK_FIELDS
from audit.models import AuditEvent
from codes.models import CodeVersion
from codes.tests.factories import publish, publish_translation, start_revision
from people.models import StaffProfile
from people.tests.factories import DepartmentFactory, KioskPersonFactory, StaffProfileFactory

pytestmark = pytest.mark.django_db

REQUESTS = "/api/v1/requests/"
SIGNATURES = "/api/v1/signatures/"


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def figures_url(version: CodeVersion) -> str:
    return f"/api/v1/versions/{version.pk}/figures/"


def waive_url(ack: AcknowledgementRequest) -> str:
    return f"{REQUESTS}{ack.pk}/waive/"


@pytest.fixture
def sam(support, manager) -> StaffProfile:
    return StaffProfileFactory(
        user__username="sam", user__first_name="Sam", user__roles=["Agent"], department=support, manager=manager
    )


@pytest.fixture
def carl(compliance_officer) -> StaffProfile:
    return StaffProfileFactory(user__username="carl", user__first_name="Carl", department=compliance_officer.department)


@pytest.fixture
def asked(published, manager, second_manager, agent, sam, compliance_officer, carl) -> CodeVersion:
    """Version 1 asked of six people: Maria, Radu, Ana and Sam in Support; Cora and Carl in Compliance."""
    services.requests_create_for_version(version=published)
    return published


@pytest.fixture
def campaign(asked, agent, carl, second_manager, sam, compliance_officer) -> CodeVersion:
    """Two signed (Ana, Carl), one waived (Radu), one overdue (Sam), two pending in time (Maria, Cora)."""
    sign(agent, asked)
    sign(carl, asked)
    waive(second_manager, asked, compliance_officer)
    make_overdue(sam, asked)
    return asked


def people_of(response) -> set[int]:
    return {row["person"] for row in response.json()["results"]}


# --- requests: what a client reads -------------------------------------------


def test_a_request_shows_its_person_version_state_and_dates(api_as, agent, campaign):
    ack = request_of(agent, campaign)

    response = api_as(agent).get(f"{REQUESTS}{ack.pk}/")

    assert response.status_code == 200
    body = response.json()
    assert body == {
        "id": ack.pk,
        "person": agent.pk,
        "person_name": agent.full_name,
        "department": agent.department_id,
        "version": campaign.pk,
        "document": campaign.document_id,
        "status": "signed",
        "overdue": False,
        "due_date": ack.due_date.isoformat(),
        "created_at": body["created_at"],
        "first_opened_at": None,
        "resolved_at": body["resolved_at"],
        "waived_by": None,
        "waiver_reason": "",
        "signature": ack.signature.pk,
    }
    assert datetime.datetime.fromisoformat(body["resolved_at"]) == ack.resolved_at


def test_an_overdue_request_says_so(api_as, compliance_officer, sam, campaign):
    body = api_as(compliance_officer).get(f"{REQUESTS}{request_of(sam, campaign).pk}/").json()

    assert (body["status"], body["overdue"]) == ("pending", True)


# --- requests: who sees which ------------------------------------------------


def test_an_agent_lists_only_their_own_requests(api_as, agent, campaign):
    assert people_of(api_as(agent).get(REQUESTS)) == {agent.pk}


def test_a_manager_lists_their_team_and_their_own(api_as, manager, agent, sam, campaign):
    assert people_of(api_as(manager).get(REQUESTS)) == {manager.pk, agent.pk, sam.pk}


def test_compliance_lists_everyone(api_as, compliance_officer, campaign):
    assert len(ids(api_as(compliance_officer).get(REQUESTS))) == 6


@pytest.mark.parametrize("url", [REQUESTS, SIGNATURES, "/api/v1/versions/1/figures/", f"{REQUESTS}1/waive/"])
def test_without_credentials_the_answer_is_401(client, url):
    response = client.get(url) if not url.endswith("waive/") else client.post(url)

    assert response.status_code == 401
    assert response.json()["type"] == "not_authenticated"


def test_someone_else_s_request_is_not_found(api_as, agent, outsider, sam, campaign):
    for person in (agent, outsider):
        response = api_as(person).get(f"{REQUESTS}{request_of(sam, campaign).pk}/")

        assert response.status_code == 404
        assert response.json()["type"] == "not_found"


# --- requests: filters -------------------------------------------------------


def test_requests_filter_by_state(api_as, compliance_officer, agent, carl, second_manager, campaign):
    client = api_as(compliance_officer)

    assert people_of(client.get(REQUESTS, {"state": "signed"})) == {agent.pk, carl.pk}
    assert people_of(client.get(REQUESTS, {"state": "waived"})) == {second_manager.pk}


def test_requests_filter_by_overdue(api_as, compliance_officer, sam, campaign):
    client = api_as(compliance_officer)

    assert people_of(client.get(REQUESTS, {"overdue": "true"})) == {sam.pk}
    assert len(ids(client.get(REQUESTS, {"overdue": "false"}))) == 5


def test_requests_filter_by_due_dates_both_inclusive(api_as, compliance_officer, sam, campaign):
    client = api_as(compliance_officer)
    yesterday = today() - datetime.timedelta(days=1)

    assert people_of(client.get(REQUESTS, {"due_before": yesterday.isoformat()})) == {sam.pk}
    assert sam.pk not in people_of(client.get(REQUESTS, {"due_after": today().isoformat()}))
    assert len(ids(client.get(REQUESTS, {"due_after": yesterday.isoformat()}))) == 6


def test_requests_filter_by_department_with_its_sub_departments(
    api_as, compliance_officer, support, campaign, published
):
    tier2 = DepartmentFactory(name="Support tier 2", parent=support)
    newcomer = StaffProfileFactory(department=tier2)
    services.requests_create_for_version(version=published)
    client = api_as(compliance_officer)

    support_people = people_of(client.get(REQUESTS, {"department": support.pk}))
    assert newcomer.pk in support_people
    assert len(support_people) == 5
    assert people_of(client.get(REQUESTS, {"department": tier2.pk})) == {newcomer.pk}


def test_requests_filter_by_version_and_person(api_as, compliance_officer, agent, campaign, manager):
    revision = start_revision(campaign.document, actor=manager.user)
    client = api_as(compliance_officer)

    assert len(ids(client.get(REQUESTS, {"version": campaign.pk}))) == 6
    assert ids(client.get(REQUESTS, {"version": revision.pk})) == []
    assert people_of(client.get(REQUESTS, {"person": agent.pk})) == {agent.pk}


@pytest.mark.parametrize(
    ("parameter", "value"),
    [
        ("due_before", "2026-02-30"),
        ("due_after", "tomorrow"),
        ("state", "overdue"),
        ("overdue", "maybe"),
        ("department", "support"),
        ("version", "1.5"),
        ("version", "0"),
        ("due_before", ""),
        ("overdue", ""),
    ],
)
def test_a_bad_filter_value_is_refused_with_the_field_named(api_as, compliance_officer, parameter, value):
    response = api_as(compliance_officer).get(REQUESTS, {parameter: value})

    assert response.status_code == 400
    assert response.json()["type"] == "validation_error"
    assert list(response.json()["errors"]) == [parameter]


def test_an_unknown_parameter_is_refused(api_as, compliance_officer):
    response = api_as(compliance_officer).get(REQUESTS, {"status": "signed"})

    assert response.status_code == 400
    assert response.json()["type"] == "unknown_parameter"


# --- requests: pages ---------------------------------------------------------


def test_cursor_pages_show_each_request_once_while_people_are_asked(api_as, compliance_officer, campaign, support):
    client = api_as(compliance_officer)
    first = client.get(REQUESTS, {"page_size": 3}).json()
    # Newcomers are asked between two pages: they come after the rows already listed, never among them.
    newcomers = StaffProfileFactory.create_batch(2, department=support)
    services.requests_sync_for_people(person_ids=[person.pk for person in newcomers])

    second = client.get(first["next"]).json()
    third = client.get(second["next"]).json()

    listed = [row["id"] for page in (first, second, third) for row in page["results"]]
    assert listed == sorted(AcknowledgementRequest.objects.values_list("pk", flat=True))
    assert third["next"] is None
    assert client.get(second["previous"]).json()["results"] == first["results"]


@pytest.fixture(params=[1, 25], ids=["1 request", "25 requests"])
def many(request, published, support, manager, compliance_officer) -> list[StaffProfile]:
    """People in Support asked for version 1 (with both managers and the compliance officer): a third signed,
    a third waived, the rest pending."""
    people = StaffProfileFactory.create_batch(request.param, department=support, manager=manager)
    services.requests_create_for_version(version=published)
    for index, person in enumerate(people):
        if index % 3 == 0:
            sign(person, published)
        elif index % 3 == 1:
            waive(person, published, compliance_officer)
    return people


def test_the_request_list_costs_the_same_queries_for_1_or_25_requests(
    api_as, compliance_officer, many, support, django_assert_num_queries
):
    client = api_as(compliance_officer)

    # The token with its person; the UPDATE of its last use; the person's permissions (own and roles', one query);
    # the department tree (the department filter); the page of requests (person's name and department,
    # document, waiver, signature joined).
    with django_assert_num_queries(5):
        response = client.get(REQUESTS, {"department": support.pk})
    assert len(ids(response)) == len(many) + 2  # and both managers, in Support too


def test_a_manager_s_list_costs_the_same_queries_for_1_or_25_requests(api_as, manager, many, django_assert_num_queries):
    client = api_as(manager)

    # The token with its person; the UPDATE of its last use; the person's permissions (own and roles', one query);
    # the page of requests (own or the team's, the team in a subquery).
    with django_assert_num_queries(4):
        response = client.get(REQUESTS)
    assert len(ids(response)) == len(many) + 1


# --- waiving -----------------------------------------------------------------


def test_compliance_waives_a_pending_request_with_a_reason(api_as, compliance_officer, sam, campaign):
    ack = request_of(sam, campaign)

    response = api_as(compliance_officer).post(waive_url(ack), {"reason": "  On parental leave "})

    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["overdue"], body["waived_by"], body["waiver_reason"]) == (
        "waived",
        False,
        "cora",
        "On parental leave",
    )
    ack.refresh_from_db()
    assert (ack.status, ack.waived_by, ack.waiver_reason) == (
        RequestStatus.WAIVED,
        compliance_officer.user,
        "On parental leave",
    )
    event = AuditEvent.objects.get(action="acknowledgements.request.waive", object_id=str(ack.pk))
    assert (event.actor, event.details) == (compliance_officer.user, {"reason": "On parental leave"})


def test_waiving_a_signed_request_is_a_conflict(api_as, compliance_officer, agent, campaign):
    ack = request_of(agent, campaign)

    response = api_as(compliance_officer).post(waive_url(ack), {"reason": "Leave"})

    assert response.status_code == 409
    assert response.json() == {
        "type": "conflict",
        "detail": "Only a pending request can be waived; this one is signed.",
    }
    ack.refresh_from_db()
    assert ack.status == RequestStatus.SIGNED


def test_waiving_twice_is_a_conflict(api_as, compliance_officer, second_manager, campaign):
    response = api_as(compliance_officer).post(waive_url(request_of(second_manager, campaign)), {"reason": "Again"})

    assert response.status_code == 409
    assert response.json()["detail"] == "Only a pending request can be waived; this one is waived."


@pytest.mark.parametrize("body", [{"reason": ""}, {"reason": "   "}, {}, {"reason": 12}, {"reason": ["Leave"]}])
def test_waiving_without_a_reason_is_refused_with_the_field_named(api_as, compliance_officer, sam, campaign, body):
    ack = request_of(sam, campaign)

    response = api_as(compliance_officer).post(waive_url(ack), body)

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["reason"]
    ack.refresh_from_db()
    assert ack.status == RequestStatus.PENDING


def test_a_manager_may_not_waive_even_for_their_team(api_as, manager, sam, campaign):
    ack = request_of(sam, campaign)

    response = api_as(manager).post(waive_url(ack), {"reason": "Leave"})

    assert response.status_code == 403
    assert response.json()["type"] == "permission_denied"
    ack.refresh_from_db()
    assert ack.status == RequestStatus.PENDING


def test_a_read_only_token_may_not_waive(api_as, compliance_officer, sam, campaign):
    ack = request_of(sam, campaign)

    response = api_as(compliance_officer, scope=TokenScope.READ).post(waive_url(ack), {"reason": "Leave"})

    assert response.status_code == 403
    assert response.json()["type"] == "permission_denied"
    ack.refresh_from_db()
    assert ack.status == RequestStatus.PENDING
    assert not AuditEvent.objects.filter(action="acknowledgements.request.waive", object_id=str(ack.pk)).exists()


def test_waiving_reads_only_post(api_as, compliance_officer, sam, campaign):
    response = api_as(compliance_officer).get(waive_url(request_of(sam, campaign)))

    assert response.status_code == 405


# --- signatures --------------------------------------------------------------


def test_a_signature_has_the_fields_that_chain_it(api_as, agent, campaign):
    signature = request_of(agent, campaign).signature

    body = api_as(agent).get(f"{SIGNATURES}{signature.pk}/").json()

    assert body["sequence"] == signature.sequence
    assert (body["request"], body["person"], body["version"]) == (signature.request_id, agent.pk, campaign.pk)
    assert body["person_name"] == agent.full_name
    assert (body["language"], body["content_hash"]) == ("en", campaign.content_hash)
    assert (body["previous_hash"], body["record_hash"]) == (signature.previous_hash, signature.record_hash)
    assert body["signed_at"].endswith("+00:00")
    assert datetime.datetime.fromisoformat(body["signed_at"]) == signature.signed_at


def test_a_signature_of_a_translation_names_its_language_and_carries_its_hash(
    api_as, sam, manager, second_manager, asked
):
    romanian = publish_translation(asked, language="ro", translator=manager.user, approver=second_manager.user)
    signature = services.signature_create(
        ack_request=request_of(sam, asked), actor=sam.user, typed_name=sam.full_name, language="ro"
    )

    body = api_as(sam).get(f"{SIGNATURES}{signature.pk}/").json()

    assert (body["language"], body["content_hash"]) == ("ro", romanian.content_hash)


def test_a_client_can_verify_the_chain_from_the_signatures(api_as, compliance_officer, campaign):
    """As the schema's description says: SHA-256 of the compact JSON of the hashed fields, in their order."""
    signatures = api_as(compliance_officer).get(SIGNATURES).json()["results"]

    previous = "0" * 64
    for signature in sorted(signatures, key=lambda record: record["sequence"]):
        fields = [signature[name] for name in API_HASHED_FIELDS]
        canonical = json.dumps(fields, ensure_ascii=False, separators=(",", ":")).encode()
        assert hashlib.sha256(canonical).hexdigest() == signature["record_hash"]
        assert signature["previous_hash"] == previous
        previous = signature["record_hash"]
    assert len(signatures) == 2


def test_a_client_can_verify_a_kiosk_record_from_its_three_more_fields(api_as, compliance_officer, campaign):
    worker = KioskPersonFactory(department=compliance_officer.department, manager=compliance_officer)
    services.requests_create_for_version(version=campaign)
    signed = services.signature_create(
        ack_request=request_of(worker, campaign),
        actor=worker.user,
        typed_name=worker.full_name,
        witness=compliance_officer,
        device="Hall tablet",
    )

    body = api_as(compliance_officer).get(f"{SIGNATURES}{signed.pk}/").json()

    assert (body["method"], body["witness"], body["device"]) == ("kiosk", compliance_officer.pk, "Hall tablet")
    fields = [body[name] for name in (*API_HASHED_FIELDS, *API_KIOSK_FIELDS)]
    canonical = json.dumps(fields, ensure_ascii=False, separators=(",", ":")).encode()
    assert hashlib.sha256(canonical).hexdigest() == body["record_hash"]


def test_the_hashed_fields_are_named_in_the_order_the_description_gives():
    assert API_HASHED_FIELDS == (
        "sequence",
        "request",
        "person",
        "version",
        "signed_at",
        "statement",
        "typed_name_commitment",
        "ip_address_commitment",
        "user_agent_commitment",
        "content_hash",
        "first_opened_at",
        "previous_hash",
    )


def sign_from_the_office(person: StaffProfile, version: CodeVersion) -> Signature:
    return services.signature_create(
        ack_request=request_of(person, version),
        actor=person.user,
        typed_name=person.full_name,
        ip_address="203.0.113.7",
        user_agent="Firefox/140",
    )


def test_a_manager_sees_their_team_s_signatures_without_address_or_browser(api_as, manager, sam, asked):
    # The pages show a signer's IP address and browser to compliance only (in the exports).
    signature = sign_from_the_office(sam, asked)

    body = api_as(manager).get(f"{SIGNATURES}{signature.pk}/").json()

    assert (body["ip_address"], body["user_agent"]) == (None, None)
    assert body["record_hash"] == signature.record_hash


def test_compliance_sees_the_address_and_browser_a_signature_was_made_from(api_as, compliance_officer, sam, asked):
    signature = sign_from_the_office(sam, asked)

    body = api_as(compliance_officer).get(f"{SIGNATURES}{signature.pk}/").json()

    assert (body["ip_address"], body["user_agent"]) == ("203.0.113.7", "Firefox/140")


def test_an_agent_lists_only_their_own_signatures(api_as, agent, campaign):
    assert people_of(api_as(agent).get(SIGNATURES)) == {agent.pk}


def test_someone_else_s_signature_is_not_found(api_as, agent, carl, campaign):
    response = api_as(agent).get(f"{SIGNATURES}{request_of(carl, campaign).signature.pk}/")

    assert response.status_code == 404


def test_signatures_filter_by_version_person_and_time(api_as, compliance_officer, agent, carl, campaign):
    client = api_as(compliance_officer)
    carls = Signature.objects.get(person=carl)

    assert people_of(client.get(SIGNATURES, {"person": carl.pk})) == {carl.pk}
    assert len(ids(client.get(SIGNATURES, {"version": campaign.pk}))) == 2
    assert people_of(client.get(SIGNATURES, {"signed_after": carls.signed_at.isoformat()})) == {carl.pk}
    assert people_of(client.get(SIGNATURES, {"signed_before": carls.signed_at.isoformat()})) == {agent.pk}


@pytest.mark.parametrize(
    ("parameter", "value"),
    [("signed_after", "yesterday"), ("signed_before", "2026-13-01"), ("signed_before", ""), ("person", "")],
)
def test_a_bad_moment_is_refused_with_the_field_named(api_as, compliance_officer, parameter, value):
    response = api_as(compliance_officer).get(SIGNATURES, {parameter: value})

    assert response.status_code == 400
    assert list(response.json()["errors"]) == [parameter]


def test_a_moment_with_any_offset_iso_allows_is_read(api_as, compliance_officer, campaign):
    # The database refuses offsets beyond ±15:59; the API reads every moment in UTC first.
    response = api_as(compliance_officer).get(SIGNATURES, {"signed_before": "3197-12-06T22:27:11.3148+18:47"})

    assert len(ids(response)) == 2


def test_the_signature_list_costs_the_same_queries_for_1_or_25_signatures(
    api_as, compliance_officer, many, django_assert_num_queries
):
    client = api_as(compliance_officer)

    # The token with its person; the UPDATE of its last use; the person's permissions (own and roles', one query);
    # the page of signatures (signer, their account and department, the version and its document joined).
    with django_assert_num_queries(4):
        response = client.get(SIGNATURES)
    assert len(ids(response)) == len(many[0::3])


# --- a version's figures -----------------------------------------------------


def test_the_figures_count_each_state_and_sum_to_everyone_asked(api_as, compliance_officer, campaign):
    response = api_as(compliance_officer).get(figures_url(campaign))

    assert response.status_code == 200
    body = response.json()
    assert (body["version"], body["everyone"]) == (campaign.pk, True)
    totals = body["totals"]
    assert totals == {
        "asked": 6,
        "signed": 2,
        "waived": 1,
        "replaced": 0,
        "withdrawn": 0,
        "left": 0,
        "pending": 3,
        "overdue": 1,
        "expected": 5,
        "percent_signed": 40.0,
    }
    states = ("signed", "waived", "replaced", "withdrawn", "left", "pending")
    assert sum(totals[state] for state in states) == totals["asked"]
    for row in body["by_department"]:
        assert sum(row[state] for state in states) == row["asked"]
    assert sum(row["asked"] for row in body["by_department"]) == totals["asked"]


def test_the_figures_are_the_dashboard_s(api_as, compliance_officer, campaign, client):
    body = api_as(compliance_officer).get(figures_url(campaign)).json()

    client.force_login(compliance_officer.user)
    page = client.get(DASHBOARD, {"version": campaign.pk})
    assert page.status_code == 200
    shown = {key: value for key, value in page.context["totals"].items() if key in body["totals"]}
    assert body["totals"] == shown
    by_department = [
        ({"department": row["department"], "name": row["name"], "code": row["code"]}, row["asked"], row["signed"])
        for row in body["by_department"]
    ]
    assert by_department == [
        (
            {
                "department": row["person__department_id"],
                "name": row["person__department__name"],
                "code": row["person__department__code"],
            },
            row["asked"],
            row["signed"],
        )
        for row in page.context["departments"]
    ]


def test_a_manager_s_figures_count_their_team(api_as, manager, campaign):
    body = api_as(manager).get(figures_url(campaign)).json()

    # Ana (signed) and Sam (overdue) report to Maria.
    assert body["everyone"] is False
    assert (body["totals"]["asked"], body["totals"]["signed"], body["totals"]["overdue"]) == (2, 1, 1)


def test_an_agent_may_not_see_the_figures(api_as, agent, campaign):
    response = api_as(agent).get(figures_url(campaign))

    assert response.status_code == 403
    assert response.json() == {
        "type": "permission_denied",
        "detail": "The acknowledgement dashboard is for compliance officers and managers.",
    }


def test_a_version_never_published_has_no_figures(api_as, compliance_officer, campaign, manager):
    revision = start_revision(campaign.document, actor=manager.user)

    assert api_as(compliance_officer).get(figures_url(revision)).status_code == 404


def test_the_figures_cost_the_same_queries_for_1_or_25_requests(
    api_as, compliance_officer, many, published, django_assert_num_queries
):
    client = api_as(compliance_officer)

    # The token with its person; the UPDATE of its last use; the person's permissions (own and roles', one query);
    # the version; the totals (one aggregate); by department (one grouped aggregate).
    with django_assert_num_queries(6):
        response = client.get(figures_url(published))
    assert response.json()["totals"]["asked"] == len(many) + 3  # and both managers and the compliance officer


def test_a_newer_version_replaces_the_pending_requests_in_the_figures(
    api_as, compliance_officer, campaign, manager, second_manager
):
    revision = start_revision(campaign.document, actor=manager.user)
    services.requests_create_for_version(version=publish(revision, author=manager.user, approver=second_manager.user))

    totals = api_as(compliance_officer).get(figures_url(campaign)).json()["totals"]

    assert (totals["asked"], totals["signed"], totals["waived"], totals["replaced"], totals["pending"]) == (
        6,
        2,
        1,
        3,
        0,
    )


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", f"{REQUESTS}99999999999999999999/"),
        ("post", f"{REQUESTS}99999999999999999999/waive/"),
        ("get", f"{SIGNATURES}99999999999999999999/"),
        ("get", "/api/v1/versions/99999999999999999999/figures/"),
    ],
)
def test_an_id_beyond_any_row_is_not_found(api_as, compliance_officer, method, url):
    response = getattr(api_as(compliance_officer), method)(url, {"reason": "Leave"} if method == "post" else None)

    assert response.status_code == 404
