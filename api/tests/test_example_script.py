"""docs/api_example.py, run as its reader would run it (a process of its own, over HTTP) against a live
server: so that the documented example keeps working as the API changes."""

from __future__ import annotations

import datetime
import json
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.utils import timezone

from acknowledgements.models import AcknowledgementRequest, RequestStatus
from acknowledgements.tests.dashboard.helpers import sign
from api.models import TokenScope
from codes.models import CodeVersion
from people.models import StaffProfile
from people.tests.factories import StaffProfileFactory
from training.models import Completion, Course
from training.tests.factories import CourseFactory
from webhooks import tasks
from webhooks.models import Delivery, DeliveryStatus, EventType
from webhooks.signing import secret_generate
from webhooks.tests.factories import EndpointFactory

# The live server needs committed rows; serialized_rollback puts back the roles and content types the
# flush removes, as every other transactional test does.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

SCRIPT = Path(__file__).resolve().parents[2] / "docs" / "api_example.py"


@pytest.fixture
def run_example(live_server, python_script_command):
    """Run the script with the live server's address and a token, as its reader would; what it printed."""

    def run(token: str, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            python_script_command(SCRIPT, "--base-url", live_server.url, "--token", token, *args),
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    return run


@pytest.fixture
def team(support, manager, agent) -> list[StaffProfile]:
    """The manager's team of five agents, asked to acknowledge the version published below."""
    return [agent] + [StaffProfileFactory(user__roles=["Agent"], department=support, manager=manager) for _ in range(4)]


@pytest.fixture
def version(team: list[StaffProfile], published: CodeVersion) -> CodeVersion:
    # Fixture order: the team exists before the version is published to all staff.
    return published


def test_it_lists_the_outstanding_requests_of_a_version_across_pages(
    run_example, make_token, compliance_officer, team: list[StaffProfile], version: CodeVersion
) -> None:
    sign(team[0], version)
    AcknowledgementRequest.objects.filter(person=team[1], version=version).update(
        due_date=timezone.localdate() - datetime.timedelta(days=1)
    )
    pending = AcknowledgementRequest.objects.filter(version=version, status=RequestStatus.PENDING)

    # Two rows a page, so that the script follows several `next` links.
    result = run_example(
        make_token(compliance_officer, scope=TokenScope.READ),
        "outstanding",
        "--version",
        str(version.pk),
        "--page-size",
        "2",
    )

    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[-1] == f"{pending.count()} outstanding request(s) for version {version.pk}"
    assert sorted(lines[:-1]) == sorted(
        f"request {ack.pk}: {ack.person.full_name} (person {ack.person_id}), due {ack.due_date.isoformat()}"
        + ("  OVERDUE" if ack.person == team[1] else "")
        for ack in pending.select_related("person__user")
    )
    assert team[0].full_name not in result.stdout


@pytest.fixture
def course(team: list[StaffProfile]) -> Course:
    return CourseFactory(title="Handling complaints", refresher_interval_months=12)


def test_it_records_an_lms_completion_once_however_often_it_runs(
    run_example, make_token, manager, team: list[StaffProfile], course: Course
) -> None:
    arguments = (
        "complete",
        "--person",
        str(team[2].pk),
        "--course",
        str(course.pk),
        "--completed-on",
        timezone.localdate().isoformat(),
        "--external-id",
        "lms-attempt-981",
        "--score",
        "92",
    )
    token = make_token(manager)

    first = run_example(token, *arguments)
    second = run_example(token, *arguments)

    completion = Completion.objects.get(external_id="lms-attempt-981")
    assert first.returncode == 0, first.stderr
    assert first.stdout.strip() == f"completion {completion.pk} recorded (external id lms-attempt-981)"
    assert second.returncode == 0, second.stderr
    assert second.stdout.strip() == f"completion {completion.pk} already on record (external id lms-attempt-981)"
    assert (completion.person, completion.course, completion.score) == (team[2], course, 92)
    assert Completion.objects.filter(person=team[2], course=course).count() == 1


def test_it_says_what_the_api_refused(run_example, make_token, manager, team: list[StaffProfile]) -> None:
    result = run_example(
        make_token(manager, scope=TokenScope.READ),
        "complete",
        "--person",
        str(team[0].pk),
        "--course",
        "1",
        "--completed-on",
        "2026-12-01",
        "--external-id",
        "lms-1",
    )

    assert result.returncode == 1
    assert result.stderr.startswith("the API refused: 403 permission_denied:")


@pytest.fixture
def receiver_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def listening(python_script_command, receiver_port: int) -> Iterator[tuple[subprocess.Popen[str], str]]:
    """The script's `listen`, for two deliveries, on a free port of 127.0.0.1, with an endpoint's secret."""
    secret = secret_generate()
    listener = subprocess.Popen(
        python_script_command(SCRIPT, "listen", "--port", str(receiver_port), "--secret", secret, "--count", "2"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        # It says so once its socket is bound: nothing sent before then is lost.
        assert listener.stdout is not None
        assert listener.stdout.readline() == f"listening for webhooks on http://127.0.0.1:{receiver_port}/\n"
        yield listener, secret
    finally:
        listener.kill()
        listener.wait()


def test_it_receives_the_signed_webhook_of_the_completion_it_recorded_and_refuses_a_forged_one(
    run_example, make_token, manager, team: list[StaffProfile], course: Course, listening, receiver_port: int
) -> None:
    listener, secret = listening
    endpoint = EndpointFactory(
        url=f"http://127.0.0.1:{receiver_port}/", events=[EventType.COMPLETION_RECORDED], secret=secret
    )
    recorded = run_example(
        make_token(manager),
        *("complete", "--person", str(team[3].pk), "--course", str(course.pk)),
        *("--completed-on", timezone.localdate().isoformat(), "--external-id", "lms-attempt-982"),
    )
    assert recorded.returncode == 0, recorded.stderr
    delivery = Delivery.objects.get(endpoint=endpoint)

    # A Celery worker's task, run here: it signs the event and posts it to the script's receiver.
    tasks.deliver.apply(args=(delivery.pk,)).get()
    forged = urllib.request.Request(
        f"http://127.0.0.1:{receiver_port}/",
        data=b'{"id": 1, "type": "webhook.test", "data": {}}',
        headers={"Webhook-Timestamp": str(int(time.time())), "Webhook-Signature": "v1=" + "0" * 64},
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(forged, timeout=30)  # noqa: S310
    refused.value.close()
    out, err = listener.communicate(timeout=60)

    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SUCCEEDED
    assert refused.value.code == 401
    completion = Completion.objects.get(external_id="lms-attempt-982")
    event_id, event_type, data = out.strip().split(" ", 2)
    assert (int(event_id), event_type) == (delivery.event_id, "completion.recorded")
    assert json.loads(data)["completion"] == completion.pk
    assert "signature mismatch" in err
