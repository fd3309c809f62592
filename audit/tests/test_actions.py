"""The registry of audit actions: labels as shown, and only registered actions written (that every code the
apps have stored stays registered is checked by portal's tests, which know every app)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from audit import actions
from audit.actions import AuditAction
from audit.services import event_record


def test_every_registered_action_has_a_label_of_its_own() -> None:
    labels = [str(action.label) for action in actions.registered()]

    assert all(label and "." not in label for label in labels)
    assert len(set(labels)) == len(labels)


def project_sources() -> list[Path]:
    base = Path(settings.BASE_DIR).resolve()
    found = []
    for config in apps.get_app_configs():
        root = Path(config.path).resolve()
        if root.is_relative_to(base) and ".venv" not in root.parts:
            found += [
                path for path in root.rglob("*.py") if "tests" not in path.parts and "migrations" not in path.parts
            ]
    return found


def test_services_pass_a_registered_constant_never_a_string_of_their_own() -> None:
    written_as_text = []
    for path in project_sources():
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", None)) in {
                "event_record",
                "_record_transition",
            }:
                action = next((keyword.value for keyword in node.keywords if keyword.arg == "action"), None)
                if isinstance(action, ast.Constant | ast.JoinedStr | ast.BinOp):
                    written_as_text.append(f"{path}:{node.lineno}")

    assert len(project_sources()) > 20  # the apps' own modules were read, not the installed packages
    assert written_as_text == []


def test_a_code_is_registered_once(monkeypatch) -> None:
    monkeypatch.setattr(actions, "_registry", {})
    actions.register("codes.version.publish", "Version published")

    with pytest.raises(ImproperlyConfigured, match="registered twice"):
        actions.register("codes.version.publish", "Published again")


@pytest.mark.parametrize("code", ["publish", "Codes.Version.Publish", "codes.version publish", "codes." + "x" * 60])
def test_a_code_is_dotted_lower_case_words_that_fit_the_column(monkeypatch, code) -> None:
    monkeypatch.setattr(actions, "_registry", {})

    with pytest.raises(ImproperlyConfigured, match="not dotted lower-case words"):
        actions.register(code, "Anything")


def test_a_code_no_app_registers_is_looked_up_as_none(monkeypatch) -> None:
    monkeypatch.setattr(actions, "_registry", {})
    publish = actions.register("codes.version.publish", "Version published")

    assert actions.lookup("codes.version.publish") is publish
    assert actions.lookup("people.profile.deactivate") is None


@pytest.mark.django_db
def test_an_event_is_refused_for_an_action_that_is_not_registered() -> None:
    with pytest.raises(ImproperlyConfigured, match="not registered"):
        event_record(actor=None, action=AuditAction("audit.unknown.thing", "Unknown"), target=None)
