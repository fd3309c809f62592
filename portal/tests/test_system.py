"""What a newcomer meets first: `make test` names missing system packages before running, `make run`
points the emails' links at the address it serves, and an optional library's warning fails nothing."""

from __future__ import annotations

import importlib.machinery
import importlib.util
import shutil
import subprocess
import sys
import warnings
from pathlib import Path
from types import ModuleType

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]


@pytest.fixture
def check_system(monkeypatch) -> ModuleType:
    """scripts/check_system as a module, on a machine that has everything until a test takes it away."""
    path = BASE_DIR / "scripts" / "check_system"
    loader = importlib.machinery.SourceFileLoader("check_system", str(path))
    spec = importlib.util.spec_from_loader("check_system", loader)
    assert spec is not None
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "check_system", module)  # dataclasses look their module up there
    loader.exec_module(module)
    monkeypatch.setattr(module, "loads", lambda library: True)
    monkeypatch.setattr(module, "has_a_font", lambda: True)
    monkeypatch.setattr(module.shutil, "which", lambda program: f"/usr/bin/{program}")
    monkeypatch.setattr(module, "present", lambda path: True)
    return module


def test_a_complete_machine_passes_silently(check_system, capsys) -> None:
    assert check_system.main(["check_system", "test"]) == 0
    assert capsys.readouterr().out == ""


def test_without_pango_make_test_stops_and_names_the_packages(check_system, monkeypatch, capsys) -> None:
    monkeypatch.setattr(check_system, "loads", lambda library: "pango" not in library)

    assert check_system.main(["check_system", "test"]) == 1
    out = capsys.readouterr().out
    assert "pango (WeasyPrint draws the PDFs): make test cannot pass" in out
    assert "sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0\n" in out
    assert "Stopping before the tests" in out


def test_without_optional_packages_it_says_what_is_skipped_and_goes_on(check_system, monkeypatch, capsys) -> None:
    monkeypatch.setattr(check_system, "loads", lambda library: "subset" not in library)
    monkeypatch.setattr(check_system.shutil, "which", lambda program: None if program == "soffice" else program)

    assert check_system.main(["check_system", "test"]) == 0
    out = capsys.readouterr().out
    assert "the LibreOffice export tests are skipped" in out
    assert "sudo apt-get install libharfbuzz-subset0 libreoffice-calc-nogui\n" in out
    assert "Going on without them." in out


def test_without_node_the_single_sign_on_tests_are_skipped_and_it_goes_on(check_system, monkeypatch, capsys) -> None:
    monkeypatch.setattr(check_system, "present", lambda path: "oidc-provider" not in str(path))

    assert check_system.main(["check_system", "test"]) == 0
    out = capsys.readouterr().out
    assert "the single sign-on tests against a real provider are skipped" in out
    assert "sudo apt-get install nodejs npm && npm ci" in out


def test_make_run_only_warns_about_what_pdfs_need(check_system, monkeypatch, capsys) -> None:
    monkeypatch.setattr(check_system, "has_a_font", lambda: False)

    assert check_system.main(["check_system", "run"]) == 0
    assert "PDFs (receipts, versions, summaries) cannot be drawn" in capsys.readouterr().out


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_run_points_the_emails_links_at_the_address_it_serves() -> None:
    dry_run = subprocess.run(
        ["make", "--dry-run", "--always-make", "run", "HOST=0.0.0.0", "PORT=8123"],  # noqa: S607
        cwd=BASE_DIR,
        env={"PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=True,
    )

    assert "PORTAL_BASE_URL=http://0.0.0.0:8123 .venv/bin/honcho start" in dry_run.stdout


def test_the_emails_links_follow_the_portal_base_url(settings) -> None:
    from reminders.emails import absolute

    settings.PORTAL_BASE_URL = "http://127.0.0.1:8123/"

    assert absolute("/codes/") == "http://127.0.0.1:8123/codes/"


def test_weasyprints_warning_about_the_optional_subset_library_fails_nothing() -> None:
    # What WeasyPrint says on import where libharfbuzz-subset0 is missing; the suite turns other
    # warnings into errors (pytest.ini). Recording keeps the suite's filters: an "error" filter would
    # raise here, a missing one would record the warning, the "ignore" filter leaves nothing.
    with warnings.catch_warnings(record=True) as shown:
        warnings.warn(
            "HarfBuzz-Subset will be required by future versions of WeasyPrint. "
            "Please install this library with your package manager.",
            category=DeprecationWarning,
            stacklevel=1,
        )

    assert shown == []
