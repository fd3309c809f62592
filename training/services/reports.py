"""The training status report: who exported it is kept in the audit log."""

from __future__ import annotations

from audit.services import event_record
from common.permissions import require_permission

from .. import audit_actions
from ._shared import Actor


def status_export_record(*, actor: Actor, file_format: str, rows: int, filters: dict[str, object]) -> None:
    """Note in the audit log who exported the training status, in which format, with which filters."""
    require_permission(actor, "training.view_training_status")
    event_record(
        actor=actor,
        action=audit_actions.EXPORT,
        target=None,
        details={"format": file_format, "rows": rows, "filters": filters},
    )
