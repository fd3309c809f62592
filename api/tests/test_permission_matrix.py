"""Every API endpoint × every role × every way of signing in, against one table of expected statuses.

The endpoints are the operations of the OpenAPI schema (what the URL conf serves through DRF): a new
endpoint fails `test_the_table_covers_every_endpoint_of_the_schema` until its row is written here, so
nothing reaches the API without its permissions being stated. For each path the table also states
what the methods it does not document answer (`OTHER`): 405 to whoever may reach the resource, 403
to whoever may not, and always 403 to a read token (which may not even try to write).
"""

from __future__ import annotations

import datetime
import itertools
from typing import Any

import pytest
from django.middleware.csrf import get_token
from django.test import RequestFactory
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from acknowledgements.models import AcknowledgementRequest, RequestStatus
from acknowledgements.services import requests_create_for_version
from acknowledgements.tests.dashboard.helpers import request_of, sign
from api.models import TokenScope
from api.tokens import token_create, token_revoke
from codes.models import CodeVersion
from codes.tests.factories import CodeDocumentFactory, DraftFactory, SectionFactory, publish
from people.models import StaffProfile
from people.services import person_deactivate
from training.tests.factories import AssignmentFactory, CompletionFactory, CourseFactory

pytestmark = pytest.mark.django_db

ROLES = ("agent", "manager", "second_manager", "compliance_officer", "administrator", "outsider")
# The session (with its CSRF token) and the two kinds of token.
SESSION, READ_WRITE, READ = "session", "read-write token", "read token"
UNSAFE = ("POST", "PUT", "PATCH", "DELETE")
OTHER = "OTHER"  # the unsafe methods a path does not document
SAME = "same"  # a read token gets what the session and a read-write token get (safe methods)

# The roles' statuses, in the order of ROLES:   agent manager second compliance admin outsider
EVERYONE = (200, 200, 200, 200, 200, 200)
TRAINING = (200, 200, 200, 200, 200, 403)  # every role sees training; a person without one does not
ORGANISATION = (403, 403, 403, 200, 200, 403)  # those who may see every department
# The agent's own object: the agent, their manager and those who oversee everyone see it; the second
# manager (another team) is told it does not exist; a person without a role may not see training at all.
AGENTS_TRAINING = (200, 200, 404, 200, 200, 403)
NOT_ALLOWED = (405, 405, 405, 405, 405, 405)
NOT_ALLOWED_IN_TRAINING = (405, 405, 405, 405, 405, 403)
NOT_ALLOWED_IN_ORGANISATION = (403, 403, 403, 405, 405, 403)
REFUSED = (403, 403, 403, 403, 403, 403)
CODES = (200, 200, 200, 200, 200, 403)  # every role reads the codes; a person without one does not
NOT_ALLOWED_IN_CODES = (405, 405, 405, 405, 405, 403)
# The agent's request or signature: seen by the agent, their manager and those who oversee everyone.
AGENTS_ACKNOWLEDGEMENT = (200, 200, 404, 200, 200, 404)

# (method, path) → (what the session and a read-write token get, what a read token gets).
EXPECTED: dict[tuple[str, str], tuple[tuple[int, ...], tuple[int, ...] | str]] = {
    # People: everyone lists people (themselves at least); the agent is seen by themselves, their
    # manager and those who see the organisation, and not found by anyone else.
    ("GET", "/api/v1/people/"): (EVERYONE, SAME),
    (OTHER, "/api/v1/people/"): (NOT_ALLOWED, REFUSED),
    ("GET", "/api/v1/people/{id}/"): ((200, 200, 404, 200, 200, 404), SAME),
    (OTHER, "/api/v1/people/{id}/"): (NOT_ALLOWED, REFUSED),
    ("GET", "/api/v1/departments/"): (ORGANISATION, SAME),
    (OTHER, "/api/v1/departments/"): (NOT_ALLOWED_IN_ORGANISATION, REFUSED),
    ("GET", "/api/v1/departments/{id}/"): (ORGANISATION, SAME),
    (OTHER, "/api/v1/departments/{id}/"): (NOT_ALLOWED_IN_ORGANISATION, REFUSED),
    # Training.
    ("GET", "/api/v1/courses/"): (TRAINING, SAME),
    (OTHER, "/api/v1/courses/"): (NOT_ALLOWED_IN_TRAINING, REFUSED),
    ("GET", "/api/v1/courses/{id}/"): (TRAINING, SAME),
    (OTHER, "/api/v1/courses/{id}/"): (NOT_ALLOWED_IN_TRAINING, REFUSED),
    ("GET", "/api/v1/assignments/"): (TRAINING, SAME),
    (OTHER, "/api/v1/assignments/"): (NOT_ALLOWED_IN_TRAINING, REFUSED),
    ("GET", "/api/v1/assignments/{id}/"): (AGENTS_TRAINING, SAME),
    (OTHER, "/api/v1/assignments/{id}/"): (NOT_ALLOWED_IN_TRAINING, REFUSED),
    ("GET", "/api/v1/completions/"): (TRAINING, SAME),
    # Only a manager records completions, for their own team: the agent is unknown to the second
    # manager (400, the field at fault), and the other roles may not record any.
    ("POST", "/api/v1/completions/"): ((403, 201, 400, 403, 403, 403), REFUSED),
    (OTHER, "/api/v1/completions/"): (NOT_ALLOWED_IN_TRAINING, REFUSED),
    ("GET", "/api/v1/completions/{id}/"): (AGENTS_TRAINING, SAME),
    (OTHER, "/api/v1/completions/{id}/"): (NOT_ALLOWED_IN_TRAINING, REFUSED),
    # Codes: a version published to all staff is everyone's to read.
    ("GET", "/api/v1/documents/"): (CODES, SAME),
    (OTHER, "/api/v1/documents/"): (NOT_ALLOWED_IN_CODES, REFUSED),
    ("GET", "/api/v1/documents/{id}/"): (CODES, SAME),
    (OTHER, "/api/v1/documents/{id}/"): (NOT_ALLOWED_IN_CODES, REFUSED),
    ("GET", "/api/v1/versions/"): (CODES, SAME),
    (OTHER, "/api/v1/versions/"): (NOT_ALLOWED_IN_CODES, REFUSED),
    ("GET", "/api/v1/versions/{id}/"): (CODES, SAME),
    (OTHER, "/api/v1/versions/{id}/"): (NOT_ALLOWED_IN_CODES, REFUSED),
    ("GET", "/api/v1/versions/{id}/diff/"): (CODES, SAME),
    (OTHER, "/api/v1/versions/{id}/diff/"): (NOT_ALLOWED_IN_CODES, REFUSED),
    # A version's figures are the dashboard's: for managers (their team) and those who oversee everyone.
    ("GET", "/api/v1/versions/{id}/figures/"): ((403, 200, 200, 200, 200, 403), SAME),
    (OTHER, "/api/v1/versions/{id}/figures/"): (NOT_ALLOWED, REFUSED),
    # Acknowledgements: everyone lists their own requests and signatures at least.
    ("GET", "/api/v1/requests/"): (EVERYONE, SAME),
    (OTHER, "/api/v1/requests/"): (NOT_ALLOWED, REFUSED),
    ("GET", "/api/v1/requests/{id}/"): (AGENTS_ACKNOWLEDGEMENT, SAME),
    (OTHER, "/api/v1/requests/{id}/"): (NOT_ALLOWED, REFUSED),
    # Only compliance waives (the request is made pending again after each waiver, for the next caller).
    ("POST", "/api/v1/requests/{id}/waive/"): ((403, 403, 403, 200, 403, 403), REFUSED),
    (OTHER, "/api/v1/requests/{id}/waive/"): ((403, 403, 403, 405, 403, 403), REFUSED),
    ("GET", "/api/v1/signatures/"): (EVERYONE, SAME),
    (OTHER, "/api/v1/signatures/"): (NOT_ALLOWED, REFUSED),
    ("GET", "/api/v1/signatures/{id}/"): (AGENTS_ACKNOWLEDGEMENT, SAME),
    (OTHER, "/api/v1/signatures/{id}/"): (NOT_ALLOWED, REFUSED),
}


class World:
    """The cast and one object of each kind, the agent's where an object belongs to someone."""

    def __init__(self, cast: dict[str, StaffProfile]) -> None:
        self.cast = cast
        agent = cast["agent"]
        self.course = CourseFactory()
        self.ids: dict[str, int] = {
            "/api/v1/people/{id}/": agent.pk,
            "/api/v1/departments/{id}/": agent.department_id,
            "/api/v1/courses/{id}/": self.course.pk,
            "/api/v1/assignments/{id}/": AssignmentFactory(person=agent, course=self.course).pk,
            "/api/v1/completions/{id}/": CompletionFactory(
                person=agent, course=self.course, recorded_by=cast["manager"].user
            ).pk,
        }
        # Two codes published to all staff: the agent signed the first, and is asked for the second.
        signed, asked = (self._published(cast) for _ in range(2))
        sign(agent, signed)
        self.pending = pending = request_of(agent, asked)
        self.ids.update(
            {
                "/api/v1/documents/{id}/": signed.document_id,
                "/api/v1/versions/{id}/": signed.pk,
                "/api/v1/versions/{id}/diff/": signed.pk,
                "/api/v1/versions/{id}/figures/": signed.pk,
                "/api/v1/requests/{id}/": pending.pk,
                "/api/v1/requests/{id}/waive/": pending.pk,
                "/api/v1/signatures/{id}/": request_of(agent, signed).signature.pk,
            }
        )
        # The query parameters an endpoint requires: the version to compare with (of the same document;
        # the version itself will do, the answer being "no changes").
        self.queries: dict[str, dict[str, Any]] = {"/api/v1/versions/{id}/diff/": {"against": signed.pk}}
        self.sent = itertools.count(1)

    @staticmethod
    def _published(cast: dict[str, StaffProfile]) -> CodeVersion:
        author, approver = cast["manager"].user, cast["second_manager"].user
        draft = DraftFactory(document=CodeDocumentFactory(owner=author), number=1, author=author)
        SectionFactory(version=draft)
        version = publish(draft, author=author, approver=approver)
        requests_create_for_version(version=version)
        return version

    def body(self, method: str, path: str) -> dict[str, Any]:
        """A valid body for the writes (each POST a new completion, under an external id of its own)."""
        if (method, path) == ("POST", "/api/v1/completions/"):
            return {
                "course": self.course.pk,
                "person": self.cast["agent"].pk,
                "completed_on": timezone.localdate().isoformat(),
                "external_id": f"lms-{next(self.sent)}",
            }
        if (method, path) == ("POST", "/api/v1/requests/{id}/waive/"):
            return {"reason": "On long leave."}
        return {}

    def call(self, client: APIClient, method: str, path: str) -> int:
        """The status of one request to `path`; a waiver is undone after it, so that the next caller finds
        the request pending too."""
        url = path.replace("{id}", str(self.ids.get(path, 0)))
        if method == "GET":
            return client.get(url, self.queries.get(path, {})).status_code
        status = getattr(client, method.lower())(url, self.body(method, path), format="json").status_code
        AcknowledgementRequest.objects.filter(pk=self.pending.pk).update(
            status=RequestStatus.PENDING, resolved_at=None, waived_by=None, waiver_reason=""
        )
        return status


@pytest.fixture
def world(request: pytest.FixtureRequest) -> World:
    return World({role: request.getfixturevalue(role) for role in ROLES})


def _token_client(profile: StaffProfile, scope: str) -> APIClient:
    _token, secret = token_create(
        owner=profile.user,
        name="Matrix",
        scope=scope,
        expires_at=timezone.now() + datetime.timedelta(days=1),
        actor=profile.user,
    )
    client = APIClient(enforce_csrf_checks=True)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


def _session_client(profile: StaffProfile) -> APIClient:
    """Signed in like a browser, sending the CSRF token a page of the portal would have given it."""
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(profile.user)
    csrf = get_token(RequestFactory().get("/"))
    client.cookies["csrftoken"] = csrf
    client.credentials(HTTP_X_CSRFTOKEN=csrf)
    return client


def _clients(cast: dict[str, StaffProfile]) -> dict[tuple[str, str], APIClient]:
    clients: dict[tuple[str, str], APIClient] = {}
    for role, profile in cast.items():
        clients[role, SESSION] = _session_client(profile)
        clients[role, READ_WRITE] = _token_client(profile, TokenScope.READ_WRITE)
        clients[role, READ] = _token_client(profile, TokenScope.READ)
    return clients


def _schema_operations() -> set[tuple[str, str]]:
    paths = SchemaGenerator().get_schema(request=None, public=True)["paths"]
    return {(method.upper(), path) for path, operations in paths.items() for method in operations}


def _documented(path: str) -> set[str]:
    return {method for method, expected_path in EXPECTED if expected_path == path and method != OTHER}


def _expected(method: str, path: str, role: str, mode: str) -> int:
    documented = method in _documented(path)
    statuses, read_statuses = EXPECTED[method if documented else OTHER, path]
    if mode == READ and read_statuses != SAME:
        statuses = read_statuses  # type: ignore[assignment]
    return statuses[ROLES.index(role)]


def test_the_table_covers_every_endpoint_of_the_schema() -> None:
    operations = _schema_operations()
    stated = {key for key in EXPECTED if key[0] != OTHER}
    paths = {path for _method, path in operations}

    assert operations - stated == set(), "endpoints without a row in EXPECTED: state who may call them"
    assert stated - operations == set(), "rows in EXPECTED for endpoints that no longer exist"
    assert {path for method, path in EXPECTED if method == OTHER} == paths, "each path needs its OTHER row"


def test_the_table_has_an_object_for_every_path_with_an_id(world: World) -> None:
    assert {path for _method, path in EXPECTED if "{id}" in path} == set(world.ids)


@pytest.mark.parametrize("path", sorted({path for _method, path in EXPECTED}))
def test_each_role_and_credential_gets_the_status_the_table_states(world: World, path: str) -> None:
    clients = _clients(world.cast)
    methods = ["GET", *UNSAFE] if "GET" in _documented(path) else list(UNSAFE)
    wrong: list[str] = []

    for method, (role, mode) in itertools.product(methods, clients):
        status = world.call(clients[role, mode], method, path)
        expected = _expected(method, path, role, mode)
        if status != expected:
            wrong.append(f"{method} {path} as {role} with a {mode}: {status}, expected {expected}")

    assert wrong == []


def test_a_read_token_is_refused_on_every_write_the_schema_documents(world: World) -> None:
    writes = sorted((method, path) for method, path in _schema_operations() if method in UNSAFE)
    client = _token_client(world.cast["manager"], TokenScope.READ)

    statuses = {(method, path): world.call(client, method, path) for method, path in writes}

    assert writes
    assert statuses == dict.fromkeys(writes, 403)


def test_the_token_of_a_deactivated_person_stops_working_on_the_next_request(agent, administrator) -> None:
    client = _token_client(agent, TokenScope.READ)
    assert client.get("/api/v1/people/").status_code == 200

    person_deactivate(user=agent.user, actor=administrator.user)
    response = client.get("/api/v1/people/")

    assert response.status_code == 401
    assert response.json() == {"type": "not_authenticated", "detail": "The API token's person is deactivated."}


def test_a_revoked_token_is_refused(agent) -> None:
    token, secret = token_create(
        owner=agent.user,
        name="Matrix",
        scope=TokenScope.READ_WRITE,
        expires_at=timezone.now() + datetime.timedelta(days=1),
        actor=agent.user,
    )
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert client.get("/api/v1/people/").status_code == 200

    token_revoke(token=token, actor=agent.user)
    response = client.get("/api/v1/people/")

    assert response.status_code == 401
    assert response.json()["type"] == "not_authenticated"


def test_a_session_without_its_csrf_token_may_not_write(agent, manager, world: World) -> None:
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(manager.user)

    response = client.post("/api/v1/completions/", world.body("POST", "/api/v1/completions/"), format="json")

    assert response.status_code == 403
    assert response.json()["type"] == "permission_denied"
