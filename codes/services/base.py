"""What every service of codes shares: who acts, and how a version is locked and its state checked."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.utils.translation import gettext as _

from common.errors import DomainError

from ..models import (
    CodeVersion,
    VersionStatus,
)

Actor = User


def _require_status(version: CodeVersion, *allowed: VersionStatus, action: str) -> None:
    if version.status not in allowed:
        raise DomainError(
            _("Version %(number)s is %(status)s, so it cannot be %(action)s.")
            % {"number": version.number, "status": version.get_status_display().lower(), "action": action}
        )


def _lock(version: CodeVersion) -> CodeVersion:
    """Re-read the version under a row lock, so two people acting at once see each other's change."""
    return CodeVersion.objects.select_for_update().select_related("document").get(pk=version.pk)
