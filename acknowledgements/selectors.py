"""Reads for acknowledgement pages, the dashboard and the exports: scoped to what the viewer may see,
and counted by the database."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import (
    Case,
    Count,
    Exists,
    Func,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from codes.models import CodeVersion, Section, VersionStatus, VersionTranslation
from codes.selectors import VersionText, language_name, published_translation, source_text, translation_text
from people.models import StaffProfile
from people.selectors import own_or_reporting_to, reporting_to

from .models import AcknowledgementRequest, AcknowledgementRequestQuerySet, RequestStatus, SectionReading, Signature

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


def sees_all_acknowledgements(user: Viewer) -> bool:
    """Whether the user oversees everyone's acknowledgements (compliance), not only their team's."""
    return user.has_perm("acknowledgements.view_all_acknowledgements")


def can_see_dashboard(user: Viewer) -> bool:
    """The dashboard and a version's figures are for compliance (everyone) and managers (their team)."""
    return sees_all_acknowledgements(user) or user.has_perm("people.view_team")


def may_run_campaigns(user: Viewer) -> bool:
    """Whether the user may act on a campaign (remind, extend) and be given its tasks. The actions reach
    everyone asked, so they are for who sees everyone: `manage_campaigns` alone, given in the admin to a
    manager who sees only their team, would act on people the page does not show them."""
    return user.has_perm("acknowledgements.manage_campaigns") and sees_all_acknowledgements(user)


def requests_visible_to(user: Viewer) -> AcknowledgementRequestQuerySet:
    """Compliance sees everyone's requests; a manager their team's (`people.selectors.managed_by`); anyone else none.

    Every state is included: the figures count each one."""
    requests = AcknowledgementRequest.objects.all()
    if sees_all_acknowledgements(user):
        return requests
    return requests.filter(reporting_to(user, path="person"))


def requests_readable_by(user: Viewer) -> AcknowledgementRequestQuerySet:
    """The requests a person may read: their own (their acknowledgements page) and those they oversee
    (`requests_visible_to`): everyone's for compliance, their team's for a manager. The same rule as
    `signatures_visible_to`."""
    requests = AcknowledgementRequest.objects.all()
    if sees_all_acknowledgements(user):
        return requests
    return requests.filter(own_or_reporting_to(user, path="person"))


def requests_matching(requests: AcknowledgementRequestQuerySet, filters: Filters) -> AcknowledgementRequestQuerySet:
    """The requests among `requests` that the dashboard's filters select."""
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


def pending_count_for_document(document_id: int) -> int:
    """How many requests retiring the document would withdraw: its pending ones."""
    return AcknowledgementRequest.objects.filter(version__document_id=document_id, status=RequestStatus.PENDING).count()


# ---------------------------------------------------------------------------
# The figures: one way of counting, for the dashboard, the drill-down, the exports and the PDF
# ---------------------------------------------------------------------------

# Each state a request can end in (or stay in), by the name its figure has, in the order every
# page and export shows them. Together they make up everyone asked:
# asked = signed + waived + replaced + withdrawn + left + pending.
STATE_FIGURES: dict[str, RequestStatus] = {
    "signed": RequestStatus.SIGNED,
    "waived": RequestStatus.WAIVED,
    "replaced": RequestStatus.REPLACED,
    "withdrawn": RequestStatus.WITHDRAWN,
    "left": RequestStatus.LEFT,
    "pending": RequestStatus.PENDING,
}
# Every figure a row of counts has: the states, then the overdue part of the pending ones.
FIGURES = ("asked", *STATE_FIGURES, "overdue")

# What "Signed %" divides by, said wherever the percentage is shown. Waived, withdrawn and left
# requests no longer expect a signature; a request replaced before signing was a signature that
# did not come, so it stays in.
PERCENT_RULE = _("Signed % = signed ÷ (asked − waived − withdrawn − left)")


def _counts() -> dict[str, Count]:
    today = timezone.localdate()
    return {
        "asked": Count("pk"),
        **{name: Count("pk", filter=Q(status=status)) for name, status in STATE_FIGURES.items()},
        "overdue": Count("pk", filter=AcknowledgementRequest.overdue_q(on=today)),
    }


def with_percent(row: dict) -> dict:
    """Add to a row of counts the requests still expected to be signed, the percent signed of them
    (None when there are none), and the bar that shows the states."""
    row["expected"] = row["asked"] - row["waived"] - row["withdrawn"] - row["left"]
    row["percent_signed"] = round(100 * row["signed"] / row["expected"], 1) if row["expected"] else None
    row["bar"] = bar_segments(row)
    return row


def bar_segments(row: dict) -> list[dict]:
    """A stacked bar as SVG rectangles (x and width in percent), one per state, overdue apart from pending."""
    parts = [
        ("signed", row["signed"]),
        ("pending", row["pending"] - row["overdue"]),
        ("overdue", row["overdue"]),
        ("waived", row["waived"]),
        ("replaced", row["replaced"]),
        ("withdrawn", row["withdrawn"]),
        ("left", row["left"]),
    ]
    segments, x = [], 0.0
    for kind, count in parts:
        if count and row["asked"]:
            width = 100 * count / row["asked"]
            segments.append({"kind": kind, "x": round(x, 3), "width": round(width, 3), "count": count})
            x += width
    return segments


def figures(
    requests: QuerySet[AcknowledgementRequest], *, by: Sequence[str] = (), order: Sequence[str] = ()
) -> list[dict]:
    """The counting selector every figure comes from: the requests' count in each state, counted by
    the database in one query, with the percent signed. Grouped by the `by` fields (one row per
    group, ordered by `order`, else by `by`), or a single row for all of them."""
    if not by:
        return [with_percent(requests.aggregate(**_counts()))]
    rows = requests.values(*by).annotate(**_counts()).order_by(*(order or by))
    return [with_percent(row) for row in rows]


def totals(requests: QuerySet[AcknowledgementRequest]) -> dict:
    return figures(requests)[0]


def totals_from_rows(rows: list[dict]) -> dict:
    """The figures of all the requests, from their counts by version (each request has one version)."""
    return with_percent({name: sum(row[name] for row in rows) for name in FIGURES})


# The document's retirement is read with the version: its row is marked, since withdrawing the
# unsigned requests leaves the signed ones at 100% of those still expected.
VERSION_FIELDS = (
    "version_id",
    "version__number",
    "version__title",
    "version__status",
    "version__document__slug",
    "version__document__retired_at",
)
VERSION_ORDER = ("version__document__title", "-version__number")
DEPARTMENT_FIELDS = ("person__department_id", "person__department__name", "person__department__code")
DEPARTMENT_ORDER = ("person__department__name",)


def by_version(requests: QuerySet[AcknowledgementRequest]) -> list[dict]:
    return figures(requests, by=VERSION_FIELDS, order=VERSION_ORDER)


def by_department(requests: QuerySet[AcknowledgementRequest]) -> list[dict]:
    return figures(requests, by=DEPARTMENT_FIELDS, order=DEPARTMENT_ORDER)


def by_version_and_department(requests: QuerySet[AcknowledgementRequest]) -> list[dict]:
    """The rows of the figures export: each version's counts in each department."""
    return figures(
        requests,
        by=(*VERSION_FIELDS, "version__document__title", *DEPARTMENT_FIELDS),
        order=(*VERSION_ORDER, *DEPARTMENT_ORDER),
    )


# ---------------------------------------------------------------------------
# A campaign: one published version's requests, followed from its publication
# ---------------------------------------------------------------------------


def campaign_requests(user: Viewer, version: CodeVersion) -> AcknowledgementRequestQuerySet:
    """The requests of a version's campaign that the viewer oversees (`requests_visible_to`)."""
    return requests_visible_to(user).filter(version=version)


@dataclass(frozen=True)
class Point:
    day: datetime.date
    signed: int  # signed by the end of that day


@dataclass(frozen=True)
class SignedGroup:
    day: datetime.date  # the day it was signed, in the organisation's time zone
    language: str | None  # the language read, as the signature records it (None: a signed request without one)
    signed: int


def signed_by_day_and_language(requests: QuerySet[AcknowledgementRequest]) -> list[SignedGroup]:
    """How many of `requests` were signed on each day in each language read: counted by the database in one
    query (one reading of the signed requests), from which the campaign draws both its line over time
    (`signed_over_time`) and its table by language (`signed_by_language`), so the two add up to the same
    `signed` figure. A signed request without a record (which verification reports) counts under None."""
    rows = (
        requests.filter(status=RequestStatus.SIGNED)
        .annotate(day=TruncDate("resolved_at", tzinfo=timezone.get_current_timezone()))
        .order_by()
        .values("day", "signature__language")
        .annotate(signed=Count("pk"))
        .values_list("day", "signature__language", "signed")
    )
    return [SignedGroup(day=day, language=language, signed=signed) for day, language, signed in rows]


def signed_over_time(groups: Sequence[SignedGroup], *, since: datetime.date) -> list[Point]:
    """How many were signed by the end of each day from `since` to today, one point a day: the running total
    of the day's counts (`signed_by_day_and_language`). Its last point is the `signed` figure of the same
    requests."""
    today = timezone.localdate()
    by_day: dict[datetime.date, int] = {}
    for group in groups:
        by_day[group.day] = by_day.get(group.day, 0) + group.signed
    running, points = 0, []
    for offset in range((today - since).days + 1):
        day = since + datetime.timedelta(days=offset)
        running += by_day.get(day, 0)
        points.append(Point(day=day, signed=running))
    return points


def pending_due_dates(requests: QuerySet[AcknowledgementRequest]) -> dict[str, datetime.date | None]:
    """The earliest and the latest due date of the pending requests (they differ once a deadline was
    extended for some, or for people asked after publication)."""
    return requests.filter(status=RequestStatus.PENDING).aggregate(earliest=Min("due_date"), latest=Max("due_date"))


# "figures" counts the requests; the others list them, one row each.
EXPORT_KINDS = ("figures", "requests", "signatures", "outstanding")


def for_export(requests: QuerySet[AcknowledgementRequest], kind: str) -> QuerySet[AcknowledgementRequest]:
    """The requests an export of `kind` lists: all of them, in every state; the signed ones; or those
    still outstanding (pending or waived)."""
    if kind == "signatures":
        return requests.filter(status=RequestStatus.SIGNED)
    if kind == "outstanding":
        return requests.filter(status__in=[RequestStatus.PENDING, RequestStatus.WAIVED])
    return requests


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
    """The person's requests in every state: what still waits for them first, then their history; by due date."""
    waiting = Case(When(status=RequestStatus.PENDING, then=Value(0)), default=Value(1))
    return (
        AcknowledgementRequest.objects.filter(person__user__pk=user.pk or 0)
        .select_related("version__document", "signature")
        .order_by(waiting, "due_date", "pk")
    )


def pending_for(user: Viewer) -> QuerySet[AcknowledgementRequest]:
    return my_requests(user).filter(status=RequestStatus.PENDING)


def requests_of(person: StaffProfile, *, viewer: Viewer) -> QuerySet[AcknowledgementRequest]:
    """A person's requests in every state as `viewer` may read them (`requests_readable_by`), the latest asked
    first, each with its signature (the receipt, and its witness at a kiosk) and who waived it."""
    return (
        requests_readable_by(viewer)
        .filter(person=person)
        .select_related("version__document", "signature__witness__user", "waived_by")
        .order_by("-created_at", "-pk")
    )


def overdue_of_team(user: Viewer) -> QuerySet[AcknowledgementRequest]:
    """The overdue requests of the people who report to `user` (`people.selectors.managed_by`), the longest
    overdue first (none for someone who manages nobody)."""
    if not user.has_perm("people.view_team"):
        return AcknowledgementRequest.objects.none()
    return (
        AcknowledgementRequest.objects.overdue(on=timezone.localdate())
        .filter(reporting_to(user, path="person"))
        .select_related("person__user", "version__document")
        .order_by("due_date", "pk")
    )


def campaigns_with_overdue(user: Viewer) -> QuerySet[CodeVersion]:
    """The versions whose campaign has people past their deadline, for those who run campaigns (remind,
    extend, waive). The navigation counts these on every page, so only the rows: `with_overdue_figures`
    adds what a list of them shows."""
    if not may_run_campaigns(user):
        return CodeVersion.objects.none()
    return CodeVersion.objects.filter(Exists(_overdue_of_version()))


def with_overdue_figures(campaigns: QuerySet[CodeVersion]) -> QuerySet[CodeVersion]:
    """`campaigns` (`campaigns_with_overdue`), each with how many are overdue and the deadline the earliest of them
    missed, the longest overdue first."""
    per_version = _overdue_of_version().order_by().values("version")
    return (
        campaigns.annotate(
            overdue_count=Subquery(per_version.annotate(n=Count("pk")).values("n")),
            overdue_since=Subquery(per_version.annotate(since=Min("due_date")).values("since")),
        )
        .select_related("document")
        .order_by("overdue_since", "pk")
    )


def _overdue_of_version() -> AcknowledgementRequestQuerySet:
    # Per version, through the (version, status) index: every page counts these tasks for the navigation,
    # and a join of the organisation's requests took that count to half a second at 100,000 people.
    return AcknowledgementRequest.objects.overdue(on=timezone.localdate()).filter(version=OuterRef("pk"))


def signatures_visible_to(user: Viewer) -> QuerySet[Signature]:
    """Compliance sees every signature; anyone else their own and their team's (read-only receipts)."""
    signatures = Signature.objects.select_related(
        "person__user", "person__department", "version__document", "witness__user"
    )
    if sees_all_acknowledgements(user):
        return signatures
    return signatures.filter(own_or_reporting_to(user, path="person"))


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


def current_request_replacing(ack_request: AcknowledgementRequest) -> AcknowledgementRequest | None:
    """When the version asked for was replaced, the person's request for the document's current version."""
    if ack_request.version.status == VersionStatus.PUBLISHED:
        return None
    return (
        AcknowledgementRequest.objects.filter(
            person_id=ack_request.person_id,
            version__document_id=ack_request.version.document_id,
            version__status=VersionStatus.PUBLISHED,
        )
        .select_related("version")
        .first()
    )


# ---------------------------------------------------------------------------
# Reading in one's language
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Reading:
    """What the reader shows a person: the text, and how it relates to their preferred language."""

    text: VersionText
    # The person's preferred language.
    preferred: str
    # The version's published translation into it, if it has one (whether or not it is the text shown).
    own_translation_language: str | None
    # Their language is not the version's and it has no published translation into it: they read the source.
    untranslated: bool

    @property
    def preferred_name(self) -> str:
        return language_name(self.preferred)

    @property
    def source_name(self) -> str:
        return language_name(self.text.version.language)


def reading_for(version: CodeVersion, *, preferred: str, wanted: str | None = None) -> Reading:
    """The text a person reads: the published translation into their preferred language when the version has
    one, else the source; `wanted` is the language they switched to instead (the source's, or back to their
    own), ignored when it is neither. Three queries at most, however many translations the version has."""
    own = published_translation(version, preferred) if preferred != version.language else None
    shown = own if own is not None and (wanted or preferred) == own.language else None
    text = translation_text(shown) if shown is not None else source_text(version)
    return Reading(
        text=text,
        preferred=preferred,
        own_translation_language=own.language if own is not None else None,
        untranslated=preferred != version.language and own is None,
    )


def signed_by_language(groups: Sequence[SignedGroup]) -> list[dict]:
    """How many were signed in each language read (`signed_by_day_and_language`), the most first. The counts
    add up to the `signed` figure of the same requests."""
    by_language: dict[str | None, int] = {}
    for group in groups:
        by_language[group.language] = by_language.get(group.language, 0) + group.signed
    ordered = sorted(by_language.items(), key=lambda item: (-item[1], item[0] is None, item[0] or ""))
    return [
        {"language": language, "name": language_name(language) if language else None, "signed": signed}
        for language, signed in ordered
    ]


def text_signed(signature: Signature) -> VersionText | None:
    """The text a signature records as read, without its sections (a receipt shows its title and hash): the
    version's own, or its published translation into the signature's language. None when the record names
    a language the version has no published translation into (verification reports such a record)."""
    version = signature.version
    translation = None
    if signature.language != version.language:
        translation = published_translation(version, signature.language)
        if translation is None:
            return None
    read: CodeVersion | VersionTranslation = translation or version
    return VersionText(
        version=version,
        language=read.language,
        title=read.title,
        sections=(),
        content_hash=read.content_hash,
        translation=translation,
    )


# ---------------------------------------------------------------------------
# Reading evidence: what the reader's script reported of a request's reading
# ---------------------------------------------------------------------------


def _figure(queryset: QuerySet, *, per: str, aggregate: Func) -> Coalesce:
    """One figure of the rows `queryset` ties to the outer request through its field `per`, computed in the
    database; 0 where there are none."""
    figure = queryset.values(per).annotate(figure=aggregate)
    return Coalesce(Subquery(figure.values("figure")[:1], output_field=IntegerField()), Value(0))


def with_reading_evidence(requests: QuerySet[AcknowledgementRequest]) -> QuerySet[AcknowledgementRequest]:
    """The requests with their reading evidence as figures: `reading_seconds` (seconds the sections were on
    screen, summed; sections on screen together each count), `sections_displayed` (sections ever on screen)
    and `sections_total` (the version's sections). First opening and reaching the end are the request's own."""
    readings = SectionReading.objects.filter(request=OuterRef("pk"), seconds__gt=0)
    return requests.annotate(
        reading_seconds=_figure(readings, per="request", aggregate=Sum("seconds")),
        sections_displayed=_figure(readings, per="request", aggregate=Count("pk")),
        sections_total=_figure(
            Section.objects.filter(version=OuterRef("version")), per="version", aggregate=Count("pk")
        ),
    )


def reading_evidence(*, request_pk: int) -> AcknowledgementRequest:
    """A request with its reading evidence (see `with_reading_evidence`): one query."""
    return with_reading_evidence(AcknowledgementRequest.objects.filter(pk=request_pk)).get()


def sections_not_displayed(ack_request: AcknowledgementRequest) -> QuerySet[Section]:
    """The version's sections the reader never reported on screen, in their order."""
    displayed = SectionReading.objects.filter(request=ack_request, section=OuterRef("pk"), seconds__gt=0)
    return Section.objects.filter(version_id=ack_request.version_id).exclude(Exists(displayed)).order_by("position")
