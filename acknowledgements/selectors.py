"""Reads for acknowledgement pages, the dashboard and the exports: scoped to what the viewer may see,
and counted by the database."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from codes.models import VersionStatus
from people.models import StaffProfile
from people.selectors import managed_by

from .models import AcknowledgementRequest, AcknowledgementRequestQuerySet, RequestStatus, Signature

Viewer = User | AnonymousUser


@dataclass(frozen=True)
class Filters:
    """The dashboard's filters; exports honour the same ones."""

    document_id: int | None = None
    version_id: int | None = None
    department_id: int | None = None
    status: str = ""  # a RequestStatus value, or "overdue"
    due_from: datetime.date | None = None
    due_to: datetime.date | None = None

    def as_details(self) -> dict[str, object]:
        """For the audit log: the filters that were set."""
        return {key: str(value) for key, value in self.__dict__.items() if value not in (None, "")}


def can_see_everyone(user: Viewer) -> bool:
    return user.has_perm("acknowledgements.view_all_acknowledgements")


def requests_visible_to(user: Viewer) -> AcknowledgementRequestQuerySet:
    """Compliance sees everyone's requests; a manager their team's (`people.selectors.managed_by`); anyone else none."""
    requests = AcknowledgementRequest.objects.assigned()
    if can_see_everyone(user):
        return requests
    return requests.filter(person__in=managed_by(user))


def filtered(requests: AcknowledgementRequestQuerySet, filters: Filters) -> AcknowledgementRequestQuerySet:
    today = timezone.localdate()
    if filters.document_id:
        requests = requests.filter(version__document_id=filters.document_id)
    if filters.version_id:
        requests = requests.filter(version_id=filters.version_id)
    if filters.department_id:
        requests = requests.filter(person__department_id=filters.department_id)
    if filters.status == "overdue":
        requests = requests.overdue(on=today)
    elif filters.status:
        requests = requests.filter(status=filters.status)
    if filters.due_from:
        requests = requests.filter(due_date__gte=filters.due_from)
    if filters.due_to:
        requests = requests.filter(due_date__lte=filters.due_to)
    return requests


def _counts(prefix: str = "") -> dict[str, Count]:
    today = timezone.localdate()
    status = f"{prefix}status"
    return {
        "assigned": Count("pk"),
        "signed": Count("pk", filter=Q(**{status: RequestStatus.SIGNED})),
        "pending": Count("pk", filter=Q(**{status: RequestStatus.PENDING})),
        "overdue": Count("pk", filter=Q(**{status: RequestStatus.PENDING, "due_date__lt": today})),
        "waived": Count("pk", filter=Q(**{status: RequestStatus.WAIVED})),
    }


def with_percent(row: dict) -> dict:
    """Percent signed of those still asked (waived requests are excused), and the bar that shows it."""
    asked = row["assigned"] - row["waived"]
    row["percent_signed"] = round(100 * row["signed"] / asked, 1) if asked else None
    row["bar"] = bar_segments(row)
    return row


def bar_segments(row: dict) -> list[dict]:
    """A stacked bar as SVG rectangles (x and width in percent): signed, pending, overdue, waived."""
    parts = [
        ("signed", row["signed"]),
        ("pending", row["pending"] - row["overdue"]),
        ("overdue", row["overdue"]),
        ("waived", row["waived"]),
    ]
    total = sum(count for _kind, count in parts)
    segments, x = [], 0.0
    for kind, count in parts:
        if count and total:
            width = 100 * count / total
            segments.append({"kind": kind, "x": round(x, 3), "width": round(width, 3), "count": count})
            x += width
    return segments


def totals(requests: QuerySet[AcknowledgementRequest]) -> dict:
    return with_percent(requests.aggregate(**_counts()))


def totals_of(rows: list[dict]) -> dict:
    """The figures of all the requests, from their counts by version (each request has one version)."""
    return with_percent({name: sum(row[name] for row in rows) for name in _counts()})


def by_version(requests: QuerySet[AcknowledgementRequest]) -> list[dict]:
    rows = (
        requests.values("version_id", "version__number", "version__title", "version__status", "version__document__slug")
        .annotate(**_counts())
        .order_by("version__document__title", "-version__number")
    )
    return [with_percent(row) for row in rows]


def by_department(requests: QuerySet[AcknowledgementRequest]) -> list[dict]:
    rows = (
        requests.values("person__department_id", "person__department__name", "person__department__code")
        .annotate(**_counts())
        .order_by("person__department__name")
    )
    return [with_percent(row) for row in rows]


EXPORT_KINDS = ("signatures", "outstanding")


def for_export(requests: QuerySet[AcknowledgementRequest], kind: str) -> QuerySet[AcknowledgementRequest]:
    """The requests an export of `kind` lists: the signed ones, or those still outstanding (pending or waived)."""
    if kind == "signatures":
        return requests.filter(status=RequestStatus.SIGNED)
    return requests.filter(status__in=[RequestStatus.PENDING, RequestStatus.WAIVED])


def request_list(requests: QuerySet[AcknowledgementRequest]) -> QuerySet[AcknowledgementRequest]:
    """One row per request with everything a list or an export shows, joined in one query."""
    return requests.select_related(
        "person__user",
        "person__department",
        "person__manager__user",
        "version__document",
        "signature",
    ).order_by("person__department__name", "person__user__last_name", "person__user__first_name", "pk")


def my_requests(user: Viewer) -> QuerySet[AcknowledgementRequest]:
    return (
        AcknowledgementRequest.objects.filter(person__user__pk=user.pk or 0)
        .exclude(status=RequestStatus.SUPERSEDED)
        .select_related("version__document", "signature")
        .order_by("status", "due_date")
    )


def pending_for(user: Viewer) -> QuerySet[AcknowledgementRequest]:
    return my_requests(user).filter(status=RequestStatus.PENDING)


def signatures_visible_to(user: Viewer) -> QuerySet[Signature]:
    signatures = Signature.objects.select_related("person__user", "person__department", "version__document")
    if can_see_everyone(user):
        return signatures
    return signatures.filter(person__user__pk=user.pk or 0)


def last_signed_version(person: StaffProfile, version_document_id: int, before_number: int) -> Signature | None:
    """The person's signature of the latest earlier version of the same document, if any."""
    return (
        Signature.objects.filter(
            person=person, version__document_id=version_document_id, version__number__lt=before_number
        )
        .select_related("version")
        .order_by("-version__number")
        .first()
    )


def current_request_replacing(request: AcknowledgementRequest) -> AcknowledgementRequest | None:
    """When the version asked for was replaced, the person's request for the document's current version."""
    if request.version.status == VersionStatus.PUBLISHED:
        return None
    return (
        AcknowledgementRequest.objects.filter(
            person_id=request.person_id,
            version__document_id=request.version.document_id,
            version__status=VersionStatus.PUBLISHED,
        )
        .select_related("version")
        .first()
    )
