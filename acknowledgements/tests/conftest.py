"""The tamper suite's tally: every test marked `attack` is one attack tried; passing means it was stopped. And the
person without a sign-in whom the kiosk tests have sign."""

from __future__ import annotations

import pytest

from people.kiosk import credential_issue
from people.models import StaffProfile
from people.tests.factories import KioskPersonFactory

TALLY = {"tried": 0, "stopped": 0, "skipped": 0}


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if "attack" not in report.keywords:
        return
    if report.skipped:
        TALLY["skipped"] += 1
    elif report.when == "call":
        TALLY["tried"] += 1
        TALLY["stopped"] += report.passed


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if TALLY["tried"]:
        terminalreporter.write_line(
            f"Tamper suite: {TALLY['tried']} attacks tried, {TALLY['stopped']} refused or detected.", bold=True
        )
    elif TALLY["skipped"]:
        terminalreporter.write_line(f"Tamper suite: {TALLY['skipped']} attacks skipped (see the reasons above).")


@pytest.fixture
def worker(support, manager) -> StaffProfile:
    """Someone in the manager's team who signs only at a kiosk."""
    return KioskPersonFactory(
        user__first_name="Ion", user__last_name="Popa", employee_id="K-100", department=support, manager=manager
    )


@pytest.fixture
def pin(manager, worker) -> str:
    """The worker's kiosk PIN, issued by their manager."""
    return credential_issue(person=worker, actor=manager.user, one_time=False)
