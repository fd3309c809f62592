"""An audit event's details as an auditor reads them: each field under its label, each value in words.

Services store details as JSON (audit.services.event_record): short keys, and values that are ids,
ISO dates and times, lists and objects. The audit log shows them as a definition list: a known key
under its translated label (LABELS), any other key as stored, so that nothing recorded is hidden;
fields in the order of their keys; times in the portal's time zone and dates in the language's
format, yes or no, lists of plain values joined, objects (and lists of them) nested. The exports
keep the JSON as stored, for programs.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils import timezone
from django.utils.formats import date_format, localize
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise

# The keys the apps' services write, under the words an auditor reads. A key missing here is shown as
# stored: add its label when a service starts writing it. Keys holding a database id say so, so that
# nobody reads "Version 12" as the twelfth version.
LABELS: dict[str, _StrOrPromise] = {
    "absent": _("Absent"),
    "active": _("Active"),
    "after": _("After"),
    "approvals": _("Approvals"),
    "assignment": _("Training assignment id"),
    "audience": _("Audience"),
    "batch": _("Batch"),
    "before": _("Before"),
    "cancelled_assignments": _("Assignments cancelled"),
    "capacity": _("Capacity"),
    "case": _("Breach case id"),
    "category": _("Category"),
    "change_summary": _("Summary of changes"),
    "changed": _("Changed"),
    "checked": _("Records checked"),
    "checkpoint": _("Checkpoint"),
    "code": _("Code"),
    "comment": _("Comment"),
    "completed": _("Completed"),
    "completed_on": _("Completed on"),
    "consider_in_next_version": _("To consider in the next version"),
    "content_hash": _("Content hash"),
    "copied_from": _("Copied from version"),
    "count": _("Count"),
    "course": _("Course id"),
    "created": _("Created"),
    "days_to_acknowledge": _("Days to sign"),
    "deactivated": _("Deactivated"),
    "deliveries": _("Delivery ids"),
    "department": _("Department"),
    "departments": _("Department ids"),
    "description": _("Description"),
    "device": _("Device"),
    "diff": _("Text changed"),
    "document": _("Document"),
    "documents": _("Document ids"),
    "due_date": _("Due date"),
    "effective_date": _("Effective date"),
    "email": _("Email"),
    "end": _("End"),
    "event": _("Event id"),
    "events": _("Events"),
    "expires_at": _("Expires"),
    "external_id": _("External id"),
    "failures": _("Failures in a row"),
    "faq": _("Published as an FAQ"),
    "filename": _("File name"),
    "filters": _("Filters"),
    "first_name": _("First name"),
    "format": _("Format"),
    "from": _("From"),
    "head_hash": _("Hash of the last record"),
    "head_sequence": _("Number of the last record"),
    "id": _("Id"),
    "intact": _("Intact"),
    "is_staff": _("Staff status"),
    "is_superuser": _("Superuser status"),
    "kind": _("Kind"),
    "kiosk": _("Kiosk id"),
    "language": _("Language"),
    "last_name": _("Last name"),
    "local_password_disabled": _("Local password disabled"),
    "locked": _("Locked"),
    "locked_out": _("Locked out"),
    "mac": _("MAC"),
    "major": _("Major version"),
    "manager": _("Manager"),
    "mandatory": _("Mandatory"),
    "manifest_sha256": _("Manifest SHA-256"),
    "mentions_replaced": _("Mentions replaced"),
    "method": _("Method"),
    "moved": _("Moved"),
    "name": _("Name"),
    "note": _("Note"),
    "number": _("Version number"),
    "occurred_on": _("Occurred on"),
    "operation": _("Operation"),
    "owner": _("Owner id"),
    "people": _("People"),
    "period": _("Period"),
    "permissions_added": _("Permissions added"),
    "permissions_removed": _("Permissions removed"),
    "person": _("Person"),
    "position": _("Position"),
    "prefix": _("Prefix"),
    "present": _("Present"),
    "problems": _("Problems"),
    "provider": _("Provider"),
    "pseudonym": _("Pseudonym"),
    "purpose": _("Purpose"),
    "reactivated": _("Reactivated"),
    "reason": _("Reason"),
    "record_hash": _("Record hash"),
    "refresher_due": _("Refresher due"),
    "refresher_interval_months": _("Refresher interval (months)"),
    "requests": _("Requests"),
    "required": _("Required"),
    "requires_every_section_displayed": _("Every section must be displayed"),
    "roles_added": _("Roles added"),
    "roles_removed": _("Roles removed"),
    "rows": _("Rows"),
    "scope": _("Scope"),
    "score": _("Score"),
    "seconds": _("Seconds"),
    "section": _("Section"),
    "sections": _("Sections"),
    "session": _("Session id"),
    "sha256": _("SHA-256"),
    "signatures": _("Signatures"),
    "signs_in": _("Signs in"),
    "size": _("Size (bytes)"),
    "slug": _("Slug"),
    "starts_at": _("Starts"),
    "subject": _("Subject"),
    "template": _("Template"),
    "title": _("Title"),
    "title_diff": _("Title changed"),
    "to": _("To"),
    "token": _("Token"),
    "token_id": _("Token id"),
    "unchanged": _("Unchanged"),
    "url": _("URL"),
    "usable": _("Usable password"),
    "usable_password": _("Usable password"),
    "username": _("Username"),
    "version": _("Version id"),
    "versions_seconds": _("Seconds for the versions' PDFs"),
    "witness": _("Witness id"),
}

# A value that is a day ("2026-12-03") or a moment ("2026-12-03T08:30:00+02:00", as isoformat() and str()
# write them): services store dates and times as ISO text.
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})?")
NOTHING = "—"


@dataclass(frozen=True)
class Value:
    """One value as shown: its text, or the fields of an object, or the items of a list that holds objects
    or lists (a list of plain values is joined into text)."""

    text: str = ""
    fields: list[Field] | None = None
    items: list[Value] | None = None


@dataclass(frozen=True)
class Field:
    key: str
    # None for a key LABELS does not know: the page shows the key as stored.
    label: _StrOrPromise | None
    value: Value


def describe(details: Any) -> Value | None:
    """An event's details as shown on the audit log, or None when it has none."""
    if details is None or details == "" or details == [] or details == {}:
        return None
    return _value(details)


def _value(value: Any) -> Value:
    if isinstance(value, dict) and value:
        # By key: PostgreSQL's jsonb keeps no order of its own (shorter keys first), the same on every page.
        keys = sorted(value, key=str)
        return Value(fields=[Field(str(key), LABELS.get(str(key)), _value(value[key])) for key in keys])
    if isinstance(value, list) and any(isinstance(item, dict | list) for item in value):
        return Value(items=[_value(item) for item in value])
    if isinstance(value, list):
        return Value(text=", ".join(_text(item) for item in value) or NOTHING)
    return Value(text=_text(value))


def _text(value: Any) -> str:
    if value is None or value == {}:
        return NOTHING
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if isinstance(value, str):
        return _moment(value) or value
    return str(localize(value))


def _moment(text: str) -> str | None:
    """An ISO day or moment as the portal writes dates and times (a moment in its time zone); None for
    other text."""
    try:
        if _DAY.fullmatch(text):
            return date_format(datetime.date.fromisoformat(text), "DATE_FORMAT")
        if _MOMENT.fullmatch(text):
            moment = datetime.datetime.fromisoformat(text)
            return date_format(timezone.localtime(moment) if timezone.is_aware(moment) else moment, "DATETIME_FORMAT")
    except ValueError:  # shaped like a date but not one ("2026-13-45"): the text as stored
        return None
    return None
