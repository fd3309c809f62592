"""schemathesis (PyPI) against the live API on PostgreSQL: every operation of /api/v1/schema/, with a
read-and-write token and with a read-only one, and the five checks issue 14 names; zero failures.

schemathesis runs as its own command line, in a process of its own, against the live server of this
test, as a client of the API would; its report is the assertion's message, and the size and time of
each run are printed (pytest -s shows them) and kept in the test's report sections.
"""

from __future__ import annotations

import datetime
import json
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from acknowledgements import services as acknowledgement_services
from acknowledgements.models import AcknowledgementRequest
from api.models import TokenScope
from api.throttling import ApiThrottle
from api.tokens import token_create
from codes.models import CodeVersion
from codes.tests.factories import CodeDocumentFactory, DraftFactory, SectionFactory, publish, start_revision
from people.models import StaffProfile
from people.tests.factories import DepartmentFactory, StaffProfileFactory
from training.services import assignments, completions, courses

# The live server needs committed rows; serialized_rollback puts back the roles and content types the
# flush removes, as every other transactional test does.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
    "negative_data_rejection",
)
# Random test cases per operation in the fuzzing and stateful phases (the coverage phase adds each
# parameter's edge cases besides): with the API's 22 operations, the two runs, side by side, take about two
# minutes on two busy cores.
MAX_EXAMPLES = 15
# A fixed seed: CI fails on what the code does, not on the day's draw; change it to explore further.
SEED = 14
SCHEMATHESIS = Path(sys.executable).parent / "schemathesis"


@pytest.fixture
def unthrottled(monkeypatch: pytest.MonkeyPatch) -> None:
    # The fuzzer sends a few thousand requests a minute with one token; at the production rate most of
    # them would be answered 429 and test nothing else. (429 is declared on every operation, so the
    # answers that remain throttled still conform.)
    monkeypatch.setattr(ApiThrottle, "THROTTLE_RATES", {"api": "100000/minute"})


@pytest.fixture
def organisation(support, manager, second_manager, agent) -> StaffProfile:
    """An organisation with something in every list, and the person whose tokens fuzz it: a compliance
    officer who is also an administrator, and the manager of Sales (so that a read-write token may record
    their team's completions), who sees every person, request, signature and course."""
    officer = StaffProfileFactory(
        user__roles=["Compliance officer", "Administrator", "Manager"],
        user__is_staff=True,
        department=DepartmentFactory(name="Compliance", code="CMP"),
    )
    sales = DepartmentFactory(name="Sales", code="SAL")
    agents = [agent] + [
        StaffProfileFactory(user__roles=["Agent"], department=department, manager=boss)
        for department, boss in [(support, manager)] * 3 + [(sales, officer)] * 4
    ]
    version = _published_version(manager, second_manager)
    _acknowledgements(version, agents, officer)
    # A draft of the next version, so that the versions and their diff have two sides.
    start_revision(version.document, actor=manager.user)
    _training(agents, manager, officer)
    return officer


def _published_version(manager: StaffProfile, second_manager: StaffProfile) -> CodeVersion:
    document = CodeDocumentFactory(title="Customer Service Code", slug="customer-service", owner=manager.user)
    draft = DraftFactory(document=document, number=1, author=manager.user)
    SectionFactory(version=draft, position=1, title="Professionalism", body="Stay calm and **courteous**.")
    SectionFactory(version=draft, position=2, title="Privacy", category="privacy", body="Verify identity first.")
    return publish(draft, author=manager.user, approver=second_manager.user)


def _acknowledgements(version: CodeVersion, agents: list[StaffProfile], officer: StaffProfile) -> None:
    """Half the agents signed, one waived, one overdue, the rest pending."""
    requests = {ack.person_id: ack for ack in AcknowledgementRequest.objects.filter(version=version)}
    for person in agents[:4]:
        acknowledgement_services.signature_create(
            ack_request=requests[person.pk], actor=person.user, typed_name=person.full_name
        )
    acknowledgement_services.request_waive(ack_request=requests[agents[4].pk], actor=officer.user, reason="On leave")
    AcknowledgementRequest.objects.filter(pk=requests[agents[5].pk].pk).update(
        due_date=timezone.localdate() - datetime.timedelta(days=3)
    )


def _training(agents: list[StaffProfile], manager: StaffProfile, officer: StaffProfile) -> None:
    """A mandatory course (everyone assigned) with completions recorded by the agents' manager, and an
    optional one assigned as retraining by compliance."""
    complaints = courses.course_create(actor=manager.user, title="Handling complaints", refresher_interval_months=12)
    data_protection = courses.course_create(actor=manager.user, title="Data protection", is_mandatory=False)
    for person in agents[:3]:
        completions.completion_record(
            person=person,
            course=complaints,
            completed_on=timezone.localdate() - datetime.timedelta(days=10),
            score=90,
            actor=manager.user,
        )
    assignments.retraining_assign(
        person=agents[0],
        course=data_protection,
        actor=officer.user,
        due_date=timezone.localdate() + datetime.timedelta(days=14),
        note="A complaint about a call.",
    )


def _token(person: StaffProfile, scope: str) -> str:
    _token, secret = token_create(
        owner=person.user,
        name=f"schemathesis ({scope})",
        scope=scope,
        expires_at=timezone.now() + datetime.timedelta(days=30),
        actor=person.user,
    )
    return secret


def _start_schemathesis(base_url: str, secret: str, workdir: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [
            str(SCHEMATHESIS),
            "--no-color",
            "run",
            f"{base_url}/api/v1/schema/",
            "--header",
            f"Authorization: Bearer {secret}",
            "--checks",
            ",".join(CHECKS),
            "--max-examples",
            str(MAX_EXAMPLES),
            "--seed",
            str(SEED),
            # One worker: with two threads, hypothesis's ast.parse (describing schemathesis's filters) hit
            # CPython 3.11's thread-unsafe AST recursion counter once in CI ("SystemError: AST constructor
            # recursion depth mismatch"), a crash of the tool, not a finding about the API.
            "--workers",
            "1",
            # A busy CI machine answers slowly at times; a slow answer is not what is under test.
            "--request-timeout",
            "60",
            # Nothing carried over from an earlier run: each run is what its seed makes it.
            "--generation-database",
            "none",
            "--report",
            "json,har",
            "--report-json-path",
            str(workdir / "report.json"),
            "--report-har-path",
            str(workdir / "exchanges.har"),
        ],
        # It keeps a cache of the failures it found (for `st replay`) in the working directory.
        cwd=workdir,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _statuses(har: Path) -> Counter[str]:
    """The answers schemathesis got, by class (2xx, 4xx...), with 429 apart: from its HAR report."""
    entries = json.loads(har.read_text())["log"]["entries"]
    statuses = (entry["response"]["status"] for entry in entries)
    return Counter("429" if status == 429 else f"{status // 100}xx" for status in statuses)


def test_schemathesis_finds_no_failure_with_a_read_write_or_a_read_only_token(
    live_server, organisation: StaffProfile, unthrottled: None, tmp_path: Path, record_property
) -> None:
    # The two runs go at once, each in a process of its own: one after the other they were the longest
    # stretch of CI with one of its two cores idle (the live server answers both from its own threads).
    started = time.monotonic()
    runs = {}
    for scope in (TokenScope.READ_WRITE, TokenScope.READ):
        workdir = tmp_path / scope
        workdir.mkdir()
        runs[scope] = (workdir, _start_schemathesis(live_server.url, _token(organisation, scope), workdir))
    outputs = {scope: process.communicate(timeout=900)[0] for scope, (_workdir, process) in runs.items()}
    seconds = time.monotonic() - started

    for scope, (workdir, process) in runs.items():
        _assert_no_failure(scope, workdir, process.returncode, outputs[scope], seconds, record_property)


def _assert_no_failure(
    scope: str, workdir: Path, returncode: int, output: str, seconds: float, record_property
) -> None:
    assert (workdir / "report.json").exists(), output
    report: dict[str, Any] = json.loads((workdir / "report.json").read_text())
    assert report["operations"] is not None, output
    statuses = _statuses(workdir / "exchanges.har")
    size = (
        f"schemathesis with a {scope} token: {report['operations']['tested']} of {report['operations']['total']} "
        f"operations, {report['test_cases']['generated']} test cases, {statuses.total()} requests "
        f"({', '.join(f'{n} {status}' for status, n in sorted(statuses.items()))}), {seconds:.0f} s for both runs"
    )
    print(size)
    record_property(f"schemathesis-{scope}", size)
    assert returncode == 0, output
    assert report["failures"] == [], output
    assert report["errors"] == [], output
    assert report["operations"]["tested"] == report["operations"]["total"] > 0, output
    # A run that met mostly refusals would prove little: it must have read real data, unthrottled.
    assert statuses["2xx"] >= statuses.total() // 10, size
    assert statuses["429"] == 0, size
