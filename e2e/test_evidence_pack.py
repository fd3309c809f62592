"""An evidence pack in a real browser: compliance asks for the last quarter's, follows it, downloads it, and the
pack's own verify.py passes on it in a fresh Python process, as on an auditor's machine."""

from __future__ import annotations

import datetime
import subprocess
import sys
import zipfile
from collections.abc import Callable
from importlib import import_module
from pathlib import Path

import pytest
import time_machine
from playwright.sync_api import Page, expect

from acknowledgements import services as acknowledgements
from acknowledgements.models import AcknowledgementRequest
from codes.models import CodeVersion
from evidence import tasks
from evidence.forms import last_quarter
from evidence.models import EvidencePack
from people.models import StaffProfile

from .helpers import run_axe, serious, serve_axe

# Test code, which the type checker leaves out (as the other journeys import it).
publish = import_module("codes.tests.factories").publish

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True)]

BrowserAs = Callable[[StaffProfile], Page]


@pytest.fixture(autouse=True)
def pack_dir(settings, tmp_path: Path) -> Path:
    settings.EVIDENCE_PACK_DIR = tmp_path / "packs"
    return settings.EVIDENCE_PACK_DIR


@pytest.fixture
def signed_last_quarter(draft: CodeVersion, manager, second_manager, agent) -> CodeVersion:
    """Version 1 published and signed by the agent and the manager in the middle of the last complete quarter."""
    start, _end = last_quarter()
    middle = datetime.datetime.combine(start + datetime.timedelta(days=45), datetime.time(12), tzinfo=datetime.UTC)
    with time_machine.travel(middle):
        version = publish(draft, author=manager.user, approver=second_manager.user)
        for person in (agent, manager):
            ack = AcknowledgementRequest.objects.get(version=version, person=person)
            acknowledgements.signature_create(ack_request=ack, actor=person.user, typed_name=person.full_name)
    return version


def verify(download_path: Path, into: Path) -> subprocess.CompletedProcess[str]:
    with zipfile.ZipFile(download_path) as archive:
        archive.extractall(into)
    (folder,) = into.iterdir()
    return subprocess.run(  # the pack's own script, nothing of the portal's on its path
        [sys.executable, "-I", "verify.py"], cwd=folder, capture_output=True, text=True, timeout=120, check=False
    )


def test_compliance_builds_the_last_quarters_pack_downloads_it_and_it_verifies(
    browser_as: BrowserAs,
    signed_last_quarter: CodeVersion,
    compliance_officer: StaffProfile,
    tasks_run_at_once: None,
    tmp_path: Path,
) -> None:
    page = serve_axe(browser_as(compliance_officer))
    page.goto("/acknowledgements/verify/")
    page.get_by_role("link", name="Evidence packs").click()
    expect(page.get_by_role("heading", name="Evidence packs", exact=True)).to_be_visible()
    assert serious(run_axe(page)) == []
    start, end = last_quarter()
    expect(page.get_by_label("From")).to_have_value(start.isoformat())
    expect(page.get_by_label("Until (included)")).to_have_value(end.isoformat())
    page.get_by_role("button", name="Build the pack").click()

    expect(page.get_by_test_id("pack-status")).to_have_text("Ready")
    expect(page.get_by_test_id("pack-steps")).to_contain_text("(100%)")
    expect(page.get_by_test_id("pack-progress")).to_contain_text("It holds 2 signatures.")
    assert serious(run_axe(page)) == []
    with page.expect_download() as download:
        page.get_by_test_id("pack-download").click()
    path = tmp_path / "pack.zip"
    download.value.save_as(path)

    checked = verify(path, tmp_path / "auditor")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "signatures: 2 records match their hashes and the chain" in checked.stdout


def test_a_packs_page_follows_the_worker_without_being_reloaded(
    browser_as: BrowserAs, signed_last_quarter: CodeVersion, compliance_officer: StaffProfile
) -> None:
    start, end = last_quarter()
    # Asked for, not yet built: the worker has not picked it up.
    pack = EvidencePack.objects.create(requested_by=compliance_officer.user, period_start=start, period_end=end)
    page = browser_as(compliance_officer)
    page.goto(f"/evidence/{pack.pk}/")
    expect(page.get_by_test_id("pack-status")).to_have_text("Waiting to be built")

    tasks.build(pack.pk)  # what the worker does

    expect(page.get_by_test_id("pack-status")).to_have_text("Ready", timeout=10_000)
    expect(page.get_by_test_id("pack-download")).to_be_visible()
