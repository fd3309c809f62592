"""The registry of audit actions: the code an event stores, and the label a person reads.

Each app declares the actions it records in its own `audit_actions` module
(`VERSION_PUBLISH = register("codes.version.publish", _("Version published"))`), imported by its
services and by its AppConfig.ready, so the registry is complete once Django has started. The
audit app knows no app above it: it only keeps what they register.

A code is stored in every event that carries it, so it never changes once events exist; the label
may be reworded at any time. Events whose code is no longer registered still show, by their code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import ImproperlyConfigured

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise

# Dotted lower-case words, as stored so far: "codes.version.publish", "acknowledgements.export".
CODE = re.compile(r"[a-z_]+(\.[a-z_]+)+")
# The width of AuditEvent.action.
CODE_MAX_LENGTH = 64


@dataclass(frozen=True)
class AuditAction:
    code: str
    label: _StrOrPromise

    def __str__(self) -> str:
        return str(self.label)


_registry: dict[str, AuditAction] = {}


def register(code: str, label: _StrOrPromise) -> AuditAction:
    """Declare an action an app records; each code once, in the app that owns it."""
    if not CODE.fullmatch(code) or len(code) > CODE_MAX_LENGTH:
        raise ImproperlyConfigured(f"The audit action code {code!r} is not dotted lower-case words of at most 64.")
    if code in _registry:
        raise ImproperlyConfigured(f"The audit action {code!r} is registered twice.")
    action = _registry[code] = AuditAction(code, label)
    return action


def lookup(code: str) -> AuditAction | None:
    """The registered action stored as `code`, or None for a code no app registers (any more)."""
    return _registry.get(code)


def registered() -> list[AuditAction]:
    """Every registered action, by code."""
    return sorted(_registry.values(), key=lambda action: action.code)
