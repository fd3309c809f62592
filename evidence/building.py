"""What goes into an evidence pack, and how the ZIP file is written in constant memory.

Every table is written by `common.spreadsheets.write_csv_rows` (PostgreSQL's COPY straight into the ZIP
entry, a chunk at a time), the signatures and the chain in batches of sequence numbers so that the
progress moves and no statement runs for minutes; each file's SHA-256 is computed as it is written,
for the manifest. Nothing holds more than a chunk of rows, whatever the size of the period.

The chain is global: one sequence across every document and department, so the signatures of a scope
are not a contiguous slice of it. The pack therefore carries, besides the signatures in scope with all
their fields (signatures.csv), the links of the whole chain from the period's first record in scope to
the chain head at build time (chain.csv: sequence, previous hash, record hash and whether the record is
in the pack; no personal data about anyone out of scope). verify.py recomputes the hash of every record
in signatures.csv, checks that chain.csv links each record to the one before it and ends at the head,
and that every record it marks as in the pack is in signatures.csv with that very hash.
"""

from __future__ import annotations

import contextlib
import csv
import datetime
import hashlib
import inspect
import io
import json
import time
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, cast

from django.contrib.auth import get_user_model
from django.db.models import Case, Count, Exists, Max, Min, OuterRef, Q, QuerySet, TextField, Value, When
from django.db.models.functions import Cast
from django.template.loader import render_to_string
from django.utils import timezone

from acknowledgements import chain_format
from acknowledgements.exports import HASHED_RECORD_COLUMNS, hashed_records
from acknowledgements.models import AcknowledgementRequest, RequestStatus, Signature, SignatureCheckpoint
from audit.models import AuditEvent
from codes.content import canonical_text
from codes.models import CodeDocument, CodeVersion, Section, TranslationStatus, VersionTranslation
from codes.pdf import version_pdf_bytes
from codes.selectors import source_text, versions_in_force_during
from common.spreadsheets import local_iso_time, neutralised, text, write_csv_rows
from people.models import StaffProfile
from people.selectors import department_subtree, full_name
from reminders.models import DeliveryStatus, ReminderKind, ReminderLog

from .models import EvidencePack

# Records of the chain written per statement: the progress moves at each batch.
BATCH_RECORDS = 50_000
# DEFLATE's fastest level: hashes, most of a pack, hardly compress, and a higher level costs more time than
# it saves space.
COMPRESS_LEVEL = 1
AUDITOR_DIR = Path(__file__).parent / "auditor"


# ---------------------------------------------------------------------------
# The scope
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """A pack's period as moments (from the start date's midnight to the midnight after the end date, in the
    organisation's time zone) and its documents and departments (with their sub-departments); empty: all."""

    start: datetime.datetime
    end: datetime.datetime
    document_ids: Sequence[int]
    department_ids: Sequence[int]
    head_sequence: int | None

    @classmethod
    def of(cls, pack: EvidencePack, checkpoint: SignatureCheckpoint) -> Scope:
        zone = timezone.get_default_timezone()
        start = datetime.datetime.combine(pack.period_start, datetime.time.min, tzinfo=zone)
        end = datetime.datetime.combine(pack.period_end + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone)
        departments = list(pack.departments.values_list("pk", flat=True))
        return cls(
            start=start,
            end=end,
            document_ids=list(pack.documents.values_list("pk", flat=True)),
            department_ids=department_subtree(departments) if departments else [],
            head_sequence=checkpoint.head_sequence,
        )

    @property
    def first_day(self) -> datetime.date:
        return self.start.date()

    @property
    def last_day(self) -> datetime.date:
        return (self.end - datetime.timedelta(days=1)).date()

    def of_people(self, person: str) -> Q:
        return Q(**{f"{person}__department__in": self.department_ids}) if self.department_ids else Q()

    def of_documents(self, version: str) -> Q:
        return Q(**{f"{version}__document__in": self.document_ids}) if self.document_ids else Q()

    def signatures(self) -> QuerySet[Signature]:
        """The records signed in the period, in scope, up to the chain head the pack ends with."""
        if self.head_sequence is None:
            return Signature.objects.none()
        return Signature.objects.filter(
            self.of_people("person"),
            self.of_documents("version"),
            signed_at__gte=self.start,
            signed_at__lt=self.end,
            sequence__lte=self.head_sequence,
        )

    def versions(self) -> QuerySet[CodeVersion]:
        """The versions in force on at least one day of the period (codes' rule, by effective dates), and any
        other version signed in it, in scope."""
        in_force = versions_in_force_during(first_day=self.first_day, last_day=self.last_day)
        signed = Q(pk__in=self.signatures().values("version_id"))
        return (
            CodeVersion.objects.filter(Q(pk__in=in_force.values("pk")) | signed)
            .filter(Q(document__in=self.document_ids) if self.document_ids else Q())
            .select_related("document")
            .order_by("document__title", "number")
        )

    def requests(self) -> QuerySet[AcknowledgementRequest]:
        return AcknowledgementRequest.objects.filter(self.of_people("person"), self.of_documents("version"))

    def audit_events(self) -> QuerySet[AuditEvent]:
        """The period's audit events. A pack with a scope holds only those about what is in it: its requests
        and signatures, its documents and their versions, its departments' people and their accounts; the
        events of other departments' staff, other codes and other parts of the portal are not the auditor's."""
        events = AuditEvent.objects.filter(created_at__gte=self.start, created_at__lt=self.end)
        if not (self.document_ids or self.department_ids):
            return events
        documents = CodeDocument.objects.filter(Q(pk__in=self.document_ids) if self.document_ids else Q())
        people = StaffProfile.objects.filter(Q(department__in=self.department_ids) if self.department_ids else Q())
        return events.filter(
            _events_about(self.requests())
            | _events_about(Signature.objects.filter(self.of_people("person"), self.of_documents("version")))
            | _events_about(documents)
            | _events_about(CodeVersion.objects.filter(document__in=documents.values("pk")))
            | _events_about(people)
            | _events_about(get_user_model().objects.filter(profile__in=people.values("pk")))
        )


def _events_about(objects: QuerySet) -> Q:
    """The audit events whose object is one of `objects` (an event names its object by model label and id)."""
    ids = objects.values(id_text=Cast("pk", TextField()))
    return Q(object_type=objects.model._meta.label_lower, object_id__in=ids)


# ---------------------------------------------------------------------------
# The tables
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Table:
    header: Sequence[str]
    rows: QuerySet


def _population(scope: Scope) -> Table:
    requests = scope.requests().filter(version__in=scope.versions().values("pk"), created_at__lt=scope.end)
    header = [
        "request_id", "person_id", "employee_id", "name", "department", "document", "version_id", "version",
        "asked_at", "due_date", "status", "resolved_at", "signature_sequence",
    ]  # fmt: skip
    cells = [
        text("pk"),
        text("person_id"),
        neutralised(text("person__employee_id")),
        neutralised(text(full_name("person"))),
        neutralised(text("person__department__name")),
        neutralised(text("version__document__title")),
        text("version_id"),
        text("version__number"),
        local_iso_time("created_at"),
        text("due_date"),
        text("status"),
        local_iso_time("resolved_at"),
        text("signature__sequence"),
    ]
    return Table(header, requests.order_by("pk").values_list(*cells))


def _waivers(scope: Scope) -> Table:
    waived = scope.requests().filter(
        status=RequestStatus.WAIVED, resolved_at__gte=scope.start, resolved_at__lt=scope.end
    )
    header = ["request_id", "person_id", "name", "version_id", "waived_at", "waived_by", "reason"]
    cells = [
        text("pk"),
        text("person_id"),
        neutralised(text(full_name("person"))),
        text("version_id"),
        local_iso_time("resolved_at"),
        neutralised(text(full_name("waived_by__profile"))),
        neutralised(text("waiver_reason")),
    ]
    return Table(header, waived.order_by("resolved_at", "pk").values_list(*cells))


def _reminders(scope: Scope) -> Table:
    about = scope.requests().filter(pk=OuterRef("object_id"))
    sent = ReminderLog.objects.filter(
        Exists(about),
        kind=ReminderKind.ACKNOWLEDGEMENT,
        status=DeliveryStatus.SENT,
        sent_at__gte=scope.start,
        sent_at__lt=scope.end,
    )
    header = ["reminder_id", "request_id", "recipient_user_id", "recipient", "stage", "due_date", "sent_at"]
    cells = [
        text("pk"),
        text("object_id"),
        text("recipient_id"),
        neutralised(text(full_name("recipient__profile"))),
        text("stage"),
        text("due_date"),
        local_iso_time("sent_at"),
    ]
    return Table(header, sent.order_by("sent_at", "pk").values_list(*cells))


def _audit_events(scope: Scope) -> Table:
    events = scope.audit_events()
    header = ["event_id", "time", "actor_user_id", "actor", "action", "object_type", "object_id", "object", "details"]
    cells = [
        text("pk"),
        local_iso_time("created_at"),
        text("actor_id"),
        neutralised(text(full_name("actor__profile"))),
        text("action"),
        text("object_type"),
        text("object_id"),
        neutralised(text("object_repr")),
        neutralised(text(Cast("details", TextField()))),
    ]
    return Table(header, events.order_by("created_at", "pk").values_list(*cells))


TABLES: dict[str, Callable[[Scope], Table]] = {
    "population.csv": _population,
    "waivers.csv": _waivers,
    "reminders.csv": _reminders,
    "audit.csv": _audit_events,
}
SIGNATURES, CHAIN, VERSIONS, MANIFEST = "signatures.csv", "chain.csv", "versions.csv", "manifest.json"
CHAIN_COLUMNS = ("sequence", "previous_hash", "record_hash", "in_pack")


def _chain_links(scope: Scope, after: int, until: int) -> QuerySet:
    in_pack = scope.signatures().filter(pk=OuterRef("pk"))
    flag = Case(When(Exists(in_pack), then=Value("yes")), default=Value("no"), output_field=TextField())
    links = Signature.objects.filter(sequence__gt=after, sequence__lte=until).order_by("sequence")
    return links.values_list(text("sequence"), "previous_hash", "record_hash", flag)


# ---------------------------------------------------------------------------
# Writing the ZIP file
# ---------------------------------------------------------------------------


class _Hashing(io.RawIOBase):
    """Passes what is written on to `sink`, hashing and counting it on the way."""

    def __init__(self, sink: IO[bytes]) -> None:
        super().__init__()
        self.sink = sink
        self.sha256 = hashlib.sha256()
        self.size = 0

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        self.sha256.update(data)
        self.sink.write(data)
        self.size += len(data)
        return len(data)


class _Archive:
    """The ZIP file being written, every file in one folder, and the manifest of what it holds."""

    def __init__(self, archive: zipfile.ZipFile, folder: str) -> None:
        self.archive = archive
        self.folder = folder
        self.files: dict[str, dict[str, Any]] = {}

    @contextlib.contextmanager
    def open(self, name: str) -> Iterator[_Hashing]:
        with self.archive.open(f"{self.folder}/{name}", "w", force_zip64=True) as entry:
            writer = _Hashing(entry)
            yield writer
        self.files[name] = {"sha256": writer.sha256.hexdigest(), "bytes": writer.size}

    def write(self, name: str, content: bytes) -> None:
        with self.open(name) as file:
            file.write(content)

    def write_json(self, name: str, content: dict[str, Any]) -> None:
        self.write(name, (json.dumps(content, indent=2, ensure_ascii=False, sort_keys=True) + "\n").encode())


def _header(columns: Sequence[str]) -> bytes:
    line = io.StringIO()
    csv.writer(line, lineterminator="\n", quoting=csv.QUOTE_ALL).writerow(columns)
    return line.getvalue().encode()


def _batches(first: int, last: int) -> Iterator[tuple[int, int]]:
    """(after, until] ranges of sequence numbers that cover first..last, BATCH_RECORDS wide."""
    for after in range(first - 1, last, BATCH_RECORDS):
        yield after, min(after + BATCH_RECORDS, last)


class Progress:
    """Steps done out of the total, saved on the pack as they are done (the page polls them), by the build
    that holds the pack's claim (`token`) only: one taken over after it stalled writes nothing more."""

    def __init__(self, pack: EvidencePack, token: str, total: int) -> None:
        self.pack = EvidencePack.objects.filter(pk=pack.pk, build_token=token)
        self.done = 0
        self.total = total
        self.pack.update(done=0, total=total, progress_at=timezone.now())

    def step(self) -> None:
        self.done += 1
        self.pack.update(done=min(self.done, self.total), progress_at=timezone.now())


@dataclass(frozen=True)
class Built:
    manifest_sha256: str
    signatures: int
    # The time the versions' PDFs and texts took: a cost of the versions in force, not of the rows (bench/).
    versions_seconds: float


def build(pack: EvidencePack, token: str, checkpoint: SignatureCheckpoint, destination: Path) -> Built:
    """Write the pack's ZIP file to `destination`, ending with the chain head `checkpoint`, as the build
    holding the claim `token`."""
    scope = Scope.of(pack, checkpoint)
    bounds = scope.signatures().aggregate(first=Min("sequence"), last=Max("sequence"), count=Count("pk"))
    first, last = bounds["first"], bounds["last"]
    versions = list(scope.versions())
    signature_batches = list(_batches(first, last)) if first is not None else []
    chain_batches = list(_batches(first, checkpoint.head_sequence or 0)) if first is not None else []
    progress = Progress(pack, token, len(versions) + len(signature_batches) + len(chain_batches) + len(TABLES) + 1)
    folder = f"evidence-pack-{pack.pk}"
    with zipfile.ZipFile(destination, "w", zipfile.ZIP_DEFLATED, compresslevel=COMPRESS_LEVEL) as zip_file:
        archive = _Archive(zip_file, folder)
        started = time.perf_counter()
        _write_versions(archive, versions, progress)
        versions_seconds = time.perf_counter() - started
        with archive.open(SIGNATURES) as file:
            file.write(_header(HASHED_RECORD_COLUMNS))
            for after, until in signature_batches:
                write_csv_rows(hashed_records(scope.signatures().filter(sequence__gt=after, sequence__lte=until)), file)
                progress.step()
        with archive.open(CHAIN) as file:
            file.write(_header(CHAIN_COLUMNS))
            for after, until in chain_batches:
                write_csv_rows(_chain_links(scope, after, until), file)
                progress.step()
        for name, table in TABLES.items():
            of_scope = table(scope)
            with archive.open(name) as file:
                file.write(_header(of_scope.header))
                write_csv_rows(of_scope.rows, file)
            progress.step()
        archive.write_json("head.json", _head(checkpoint))
        archive.write("verify.py", (AUDITOR_DIR / "verify.py").read_bytes())
        # The very file the portal hashes records with: one serialisation, never a copy kept apart.
        archive.write("chain_format.py", Path(inspect.getfile(chain_format)).read_bytes())
        readme = render_to_string("evidence/README.txt", {"pack": pack, "scope": scope, "folder": folder})
        archive.write("README.txt", readme.encode())
        manifest = _manifest(pack, scope, checkpoint, bounds, archive.files)
        zip_file.writestr(f"{folder}/{MANIFEST}", manifest)
        progress.step()
    return Built(
        manifest_sha256=hashlib.sha256(manifest).hexdigest(),
        signatures=bounds["count"],
        versions_seconds=versions_seconds,
    )


def _write_versions(archive: _Archive, versions: list[CodeVersion], progress: Progress) -> None:
    """Each version's PDF and canonical text, and each published translation's canonical text (a signature
    records the hash of the text read, which may be a translation's), listed in versions.csv."""
    translations: dict[int, list[VersionTranslation]] = {}
    published = VersionTranslation.objects.filter(version__in=versions, status=TranslationStatus.PUBLISHED)
    for translation in published.prefetch_related("sections__section").order_by("language"):
        translations.setdefault(translation.version_id, []).append(translation)
    listed = io.StringIO()
    rows = csv.writer(listed, lineterminator="\n", quoting=csv.QUOTE_ALL)
    rows.writerow(["version_id", "document", "number", "language", "translation", "content_hash", "text", "pdf"])
    for version in versions:
        stem = f"versions/{version.document.slug}-v{version.number}"
        text_of_version = source_text(version)
        # A version's own text is made of its Sections (a translation's of TranslatedSections).
        sections = cast(list[Section], text_of_version.sections)
        archive.write(f"{stem}.txt", canonical_text(version.title, sections))
        archive.write(f"{stem}.pdf", version_pdf_bytes(text_of_version))
        title = version.document.title
        rows.writerow(
            [
                version.pk,
                title,
                version.number,
                version.language,
                "no",
                version.content_hash,
                f"{stem}.txt",
                f"{stem}.pdf",
            ]
        )
        for translation in translations.get(version.pk, []):
            translated = sorted(translation.sections.all(), key=lambda each: each.section.position)
            texts = [(each.section.category, each.title, each.body) for each in translated]
            name = f"{stem}-{translation.language}.txt"
            archive.write(name, canonical_text(translation.title, texts, language=translation.language))
            rows.writerow(
                [version.pk, title, version.number, translation.language, "yes", translation.content_hash, name, ""]
            )
        progress.step()
    archive.write(VERSIONS, listed.getvalue().encode())


def _head(checkpoint: SignatureCheckpoint) -> dict[str, Any]:
    return {
        "checkpoint_id": checkpoint.pk,
        "created_at": chain_format.hashed_timestamp(checkpoint.created_at),
        "count": checkpoint.count,
        "head_sequence": checkpoint.head_sequence,
        "head_hash": checkpoint.head_hash,
        "mac": checkpoint.mac,
    }


def _manifest(
    pack: EvidencePack, scope: Scope, checkpoint: SignatureCheckpoint, bounds: dict[str, Any], files: dict[str, Any]
) -> bytes:
    content = {
        "pack": {
            "id": pack.pk,
            "requested_by": pack.requested_by.get_username(),
            "requested_at": chain_format.hashed_timestamp(pack.requested_at),
            "built_at": chain_format.hashed_timestamp(timezone.now()),
            "period": {"start": pack.period_start.isoformat(), "end": pack.period_end.isoformat()},
            "period_moments": {"from": scope.start.isoformat(), "before": scope.end.isoformat()},
            "documents": sorted(scope.document_ids),
            "departments": sorted(pack.departments.values_list("pk", flat=True)),
            "signatures": bounds["count"],
            # chain.csv starts with the first signature in the pack (none: it is empty) and ends at the head.
            "chain_from": bounds["first"],
            "chain_head": {"sequence": checkpoint.head_sequence, "hash": checkpoint.head_hash},
        },
        "files": dict(sorted(files.items())),
    }
    return (json.dumps(content, indent=2, ensure_ascii=False) + "\n").encode()
