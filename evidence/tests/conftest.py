"""A chain of four signatures around a period, and packs built from it the way a worker builds them."""

from __future__ import annotations

import datetime
import subprocess
import zipfile
from pathlib import Path

import pytest
import time_machine
from django.utils import timezone

from acknowledgements import services as acknowledgements
from acknowledgements.models import AcknowledgementRequest
from evidence import services
from evidence.models import EvidencePack


@pytest.fixture(autouse=True)
def pack_dir(settings, tmp_path: Path) -> Path:
    settings.EVIDENCE_PACK_DIR = tmp_path / "packs"
    return settings.EVIDENCE_PACK_DIR


def sign(profile, version, **fields):
    ack = AcknowledgementRequest.objects.get(person=profile, version=version)
    return acknowledgements.signature_create(
        ack_request=ack, actor=profile.user, typed_name=profile.full_name, **fields
    )


@pytest.fixture
def chain(published, manager, second_manager, agent, compliance_officer, administrator):
    """Record #1 signed forty days ago (before the period), then #2 the agent (Support), #3 the compliance
    officer (Compliance) and #4 the manager (Support), now; the administrator's request waived now."""
    acknowledgements.requests_create_for_version(version=published)
    with time_machine.travel(timezone.now() - datetime.timedelta(days=40)):
        sign(second_manager, published)
    signatures = [
        sign(agent, published, ip_address="203.0.113.7", user_agent="Firefox"),
        sign(compliance_officer, published),
        sign(manager, published, ip_address="2001:db8::1"),
    ]
    ack = AcknowledgementRequest.objects.get(person=administrator, version=published)
    acknowledgements.request_waive(ack_request=ack, actor=compliance_officer.user, reason="On parental leave")
    return signatures


@pytest.fixture
def build_pack(compliance_officer, tasks_run_at_once, django_capture_on_commit_callbacks):
    """Ask for a pack of the last week (to today) and build it as the worker does, at once."""

    def build(**scope) -> EvidencePack:
        today = timezone.localdate()
        with django_capture_on_commit_callbacks(execute=True):
            pack = services.pack_request(
                actor=compliance_officer.user,
                period_start=today - datetime.timedelta(days=7),
                period_end=today,
                **scope,
            )
        pack.refresh_from_db()
        return pack

    return build


def unzip(pack: EvidencePack, into: Path) -> Path:
    """The pack's folder, unzipped under `into`."""
    with zipfile.ZipFile(services.pack_path(pack)) as archive:
        archive.extractall(into)
    return into / f"evidence-pack-{pack.pk}"


@pytest.fixture
def run_verify(python_script_command):
    """Run the pack's own verify.py in a fresh Python process, as an auditor would: (exit status, output)."""

    def run(folder: Path) -> tuple[int, str]:
        done = subprocess.run(
            python_script_command(folder / "verify.py"), cwd=folder, capture_output=True, text=True, timeout=120
        )
        return done.returncode, done.stdout + done.stderr

    return run
