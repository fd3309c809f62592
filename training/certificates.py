"""The certificate of a completion: its number, the day its refresher falls due, and a fingerprint that an
auditor matches against the record.

A completion is never edited once recorded (the portal records it, the admin only reads it), so a certificate
printed today says the same as the one the portal shows in five years. The fingerprint covers the facts the
completion recorded, naming the person, the course and the recorder by their ids: a course renamed, a person
who changed their name or employee id, keeps the fingerprint their certificate was printed with, and the
portal's page shows the names of today beside it. The refresher's day is read from the course's interval
of today, too: it is what the person is asked for now.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from dataclasses import dataclass

from .models import Completion
from .services.completions import next_refresher_date

# A certificate is numbered by its completion's id, so its number never changes and leads back to it.
NUMBER_PREFIX = "TC"


@dataclass(frozen=True)
class Certificate:
    completion: Completion
    number: str
    fingerprint: str
    # The day the course's refresher falls due; None for a course that asks for no refresher.
    refresher_due: datetime.date | None


def certificate_number(completion: Completion) -> str:
    return f"{NUMBER_PREFIX}-{completion.pk:08d}"


def fingerprinted_fields(completion: Completion) -> dict[str, object]:
    """The facts the fingerprint covers, as JSON values: the day in ISO 8601, the time recorded in UTC."""
    return {
        "certificate": certificate_number(completion),
        "person": completion.person_id,
        "course": completion.course_id,
        "completed_on": completion.completed_on.isoformat(),
        "score": completion.score,
        "session": completion.session_id,
        "external_id": completion.external_id,
        "evidence": completion.evidence_note,
        "recorded_by": completion.recorded_by_id,
        "recorded_at": completion.created_at.astimezone(datetime.UTC).isoformat(),
    }


def fingerprint_of(completion: Completion) -> str:
    """SHA-256, in hex, of `fingerprinted_fields` as compact JSON with sorted keys (UTF-8, not ASCII-escaped)."""
    canonical = json.dumps(fingerprinted_fields(completion), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def certificate_of(completion: Completion) -> Certificate:
    months = completion.course.refresher_interval_months
    return Certificate(
        completion=completion,
        number=certificate_number(completion),
        fingerprint=fingerprint_of(completion),
        refresher_due=next_refresher_date(completion.completed_on, months) if months else None,
    )
