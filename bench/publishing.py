"""Publishing a new version of a document to all staff: version_publish and the receiver that asks everyone.

Its floor: the one INSERT … SELECT … ON CONFLICT DO NOTHING that asked everyone, as the publication ran
it, run again alone on the driver's cursor for a scratch copy of the version (the same rows, for another
version id), with its foreign keys checked as psql would check them, in a transaction rolled back.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from bench.plumbing import Bench, Result
from bench.probes import Statement, recording_queries, run_raw
from bench.report import Row

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from codes.models import CodeDocument, CodeVersion


def step_publish(params: Result) -> Result:
    """Publish a new major version of the most-asked document to all staff; time the publication and the requests."""
    from django.utils import timezone

    from acknowledgements.models import AcknowledgementRequest
    from codes import services
    from codes.models import CodeVersion

    document = CodeVersion.objects.select_related("document__owner").get(pk=params["version_id"]).document
    # The same instance throughout: its permissions, cached while it drafts, are not read again when it publishes.
    author = document.owner
    draft = _approved_draft(document, author)
    with recording_queries(keep=_asks) as recorder:
        started = time.perf_counter()
        # Outside a transaction, on_commit runs at once: this includes the version_published receiver.
        services.version_publish(
            version=draft,
            actor=author,
            effective_date=timezone.localdate(),
            days_to_acknowledge=14,
            is_major=True,
        )
        seconds = time.perf_counter() - started
    assert len(recorder.statements) == 1, f"the publication asked in {len(recorder.statements)} statements, not 1"
    floor_seconds, floor_rows = _floor(recorder.statements[0], draft)
    return {
        "seconds": seconds,
        "queries": recorder.count,
        "requests": AcknowledgementRequest.objects.filter(version=draft).count(),
        "version_id": draft.pk,
        "floor_seconds": floor_seconds,
        "floor_rows": floor_rows,
    }


def _asks(sql: str) -> bool:
    """Whether a statement creates acknowledgement requests."""
    return sql.startswith('INSERT INTO "acknowledgements_acknowledgementrequest"')


def _floor(asking: Statement, version: CodeVersion) -> tuple[float, int]:
    """The seconds and rows of the statement that asked everyone, run again alone for a scratch draft copy of
    `version` (nobody asked for it yet), in a transaction rolled back.

    Its foreign keys are checked at the end of the statement, within the time, as psql checks them when it
    runs the statement on its own: Django's are deferred to the commit, which a rollback never reaches, and
    the floor would leave out the checks of the very rows it inserts (one look-up of the person and one of
    the version for each request; the publication pays them at its commit)."""
    from django.db import connection, transaction

    from codes.models import CodeVersion, VersionStatus

    sql, params, many = asking
    with transaction.atomic():
        scratch = CodeVersion.objects.get(pk=version.pk)
        scratch.pk = None
        scratch.number += 1
        scratch.status = VersionStatus.DRAFT
        scratch.save()
        with connection.cursor() as cursor:  # the scratch version's own checks are made here, outside the time
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        # The version's id is the one whole number among the values the INSERT sets (common.bulk).
        ids = [index for index, value in enumerate(params) if type(value) is int and value == version.pk]
        assert len(ids) == 1, f"the version's id is {len(ids)} of the INSERT's parameters, not 1"
        params = [scratch.pk if index == ids[0] else value for index, value in enumerate(params)]
        floor = run_raw([(sql, params, many)])
        transaction.set_rollback(True)
    return floor


def _approved_draft(document: CodeDocument, author: User) -> CodeVersion:
    """A new draft of the document, edited by its owner (`author`) and approved by another manager."""
    from django.contrib.auth import get_user_model

    from codes import services

    approver = get_user_model().objects.filter(groups__name="Manager").exclude(pk=author.pk).order_by("pk").first()
    assert approver is not None, "the seeded organisation has one manager only"
    draft = services.version_start_draft(document=document, actor=author)
    section = draft.sections.order_by("position").first()
    assert section is not None, "the seeded version has no section"
    services.section_update(
        section=section,
        actor=author,
        category=section.category,
        title=section.title,
        body=section.body + "\n\nAdded for the benchmark: ask when in doubt.",
    )
    services.version_submit(version=draft, actor=author)
    services.version_approve(version=draft, actor=approver)
    return draft


def measure_publish(bench: Bench, version_id: int) -> int:
    """Publish, and return the new version's id: the one the sweep and the signing load then work on."""
    bench.say("publishing a new version to all staff")
    result = bench.child("publish", version_id=version_id).result
    if result["floor_rows"] != result["requests"]:
        bench.problems.append(f"the publication's floor asked {result['floor_rows']:,}, not {result['requests']:,}")
    ratio = result["seconds"] / result["floor_seconds"]
    bench.rows.append(
        Row(
            f"publish a version to {result['requests']:,} people",
            f"{result['seconds']:.1f} s ({result['requests']:,} requests, {result['queries']} queries)",
            "≤ 10 s, ≤ 1.5× floor",
            result["seconds"] <= 10 and ratio <= 1.5,
            floor=f"its INSERT … SELECT alone, foreign keys checked: {result['floor_seconds']:.1f} s",
            ratio=f"{ratio:.2f}×",
        )
    )
    return int(result["version_id"])
