"""Publishing a new version of a document to all staff: version_publish and the receiver that asks everyone."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from bench.plumbing import Bench, Result
from bench.probes import counting_queries
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
    with counting_queries() as counter:
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
    return {
        "seconds": seconds,
        "queries": counter.count,
        "requests": AcknowledgementRequest.objects.filter(version=draft).count(),
        "version_id": draft.pk,
    }


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
    bench.rows.append(
        Row(
            f"publish a version to {result['requests']:,} people",
            f"{result['seconds']:.1f} s ({result['requests']:,} requests, {result['queries']} queries)",
            "≤ 10 s",
            result["seconds"] <= 10,
        )
    )
    return int(result["version_id"])
