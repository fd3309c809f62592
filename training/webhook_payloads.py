"""What training tells webhook receivers (docs/webhooks.md): the data of its events, built here, sent by `webhooks`."""

from __future__ import annotations

from typing import Any

from .models import Completion


def completion_recorded(completion: Completion) -> dict[str, Any]:
    """`completion.recorded`: who completed which course, on which day (and the LMS's own id, if it sent one)."""
    return {
        "completion": completion.pk,
        "course": completion.course_id,
        "person": completion.person_id,
        "completed_on": completion.completed_on.isoformat(),
        "score": completion.score,
        "session": completion.session_id,
        "external_id": completion.external_id or None,
    }
