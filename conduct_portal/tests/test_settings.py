"""Settings come from the environment; production values pass `check --deploy`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]

PRINT_SETTINGS = """
import json, django
from django.conf import settings
django.setup()
print(json.dumps({
    "DEBUG": settings.DEBUG,
    "SECRET_KEY": settings.SECRET_KEY,
    "ALLOWED_HOSTS": settings.ALLOWED_HOSTS,
    "DATABASE": {k: settings.DATABASES["default"][k] for k in ("ENGINE", "NAME", "HOST", "PORT", "USER")},
    "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
    "EMAIL_BACKEND": settings.EMAIL_BACKEND,
    "TIME_ZONE": settings.TIME_ZONE,
    "SESSION_COOKIE_SECURE": settings.SESSION_COOKIE_SECURE,
    "CSRF_COOKIE_SECURE": settings.CSRF_COOKIE_SECURE,
}))
"""

PRODUCTION = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "a-long-random-production-secret-0f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1",
    "DJANGO_ALLOWED_HOSTS": "conduct.example.com",
    "DATABASE_URL": "postgres://portal:secret@db.example.com:5432/conduct",
    "CELERY_BROKER_URL": "redis://redis.example.com:6379/0",
    "EMAIL_URL": "smtp+tls://mailer:secret@smtp.example.com:587",
    "DJANGO_TIME_ZONE": "Europe/London",
    "SIGNATURE_CHECKPOINT_KEY": "a-random-key-that-only-the-portal-and-the-auditor-hold-5e4f3a2b",
    "SIGNATURE_COMMITMENT_KEY": "another-random-key-held-apart-from-the-rows-9c8d7e6f5a4b3c2d1e0f",
}


def run_python(code: str, environment: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    # A clean environment, so that what this test run was given does not leak in.
    clean = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "CELERY_", "SIGNATURE_"))
    }
    clean.pop("EMAIL_URL", None)
    clean["CONDUCT_PORTAL_VAR_DIR"] = os.environ.get("CONDUCT_PORTAL_VAR_DIR", str(BASE_DIR / "var"))
    clean["DJANGO_SETTINGS_MODULE"] = "conduct_portal.settings"
    return subprocess.run(
        [sys.executable, *(["-c", code] if code else []), *args],
        env={**clean, **environment},
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )


def settings_for(environment: dict[str, str]) -> dict:
    result = run_python(PRINT_SETTINGS, environment)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_it_reads_production_values_from_the_environment() -> None:
    settings = settings_for(PRODUCTION)

    assert settings["DEBUG"] is False
    assert settings["SECRET_KEY"] == PRODUCTION["DJANGO_SECRET_KEY"]
    assert settings["ALLOWED_HOSTS"] == ["conduct.example.com"]
    assert settings["DATABASE"] == {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "conduct",
        "HOST": "db.example.com",
        "PORT": 5432,
        "USER": "portal",
    }
    assert settings["CELERY_BROKER_URL"] == "redis://redis.example.com:6379/0"
    assert settings["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert settings["TIME_ZONE"] == "Europe/London"
    assert settings["SESSION_COOKIE_SECURE"] is True
    assert settings["CSRF_COOKIE_SECURE"] is True


def test_a_development_machine_needs_no_server() -> None:
    settings = settings_for({"DJANGO_DEBUG": "true"})

    assert settings["DATABASE"]["ENGINE"] == "django.db.backends.sqlite3"
    assert settings["DATABASE"]["NAME"].endswith("conduct_portal.sqlite3")
    assert settings["CELERY_BROKER_URL"] == "filesystem://"
    assert settings["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend"
    assert settings["SESSION_COOKIE_SECURE"] is False


def test_it_refuses_to_start_without_a_secret_key_outside_debug() -> None:
    result = run_python(PRINT_SETTINGS, {"DJANGO_DEBUG": "false"})

    assert result.returncode != 0
    assert "Set DJANGO_SECRET_KEY" in result.stderr


def test_it_refuses_a_malformed_value() -> None:
    result = run_python(PRINT_SETTINGS, {**PRODUCTION, "DJANGO_SESSION_COOKIE_AGE": "eight hours"})

    assert result.returncode != 0
    assert "eight hours" in result.stderr


def test_check_deploy_with_production_values_prints_no_warning() -> None:
    result = run_python("", PRODUCTION, "manage.py", "check", "--deploy", "--fail-level", "WARNING")

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize(
    ("key", "check"),
    [("SIGNATURE_CHECKPOINT_KEY", "acknowledgements.E001"), ("SIGNATURE_COMMITMENT_KEY", "acknowledgements.E002")],
)
def test_check_deploy_refuses_a_production_without_its_own_key(key: str, check: str) -> None:
    without_key = {name: value for name, value in PRODUCTION.items() if name != key}

    result = run_python("", without_key, "manage.py", "check", "--deploy")

    assert result.returncode != 0
    assert check in result.stderr
