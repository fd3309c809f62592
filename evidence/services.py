"""Evidence packs: asked for, built by a Celery task, downloaded again. Each step audited."""

from __future__ import annotations

import datetime
import hashlib
import logging
import os
import time
import uuid
from collections.abc import Iterable
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from acknowledgements.models import SignatureCheckpoint
from acknowledgements.services import checkpoint_create
from audit.services import event_record
from codes.models import CodeDocument
from common.errors import DomainError
from people.models import Department

from . import audit_actions, building
from .models import EvidencePack, PackStatus

logger = logging.getLogger(__name__)

READ_CHUNK = 1024 * 1024


EARLIEST_PERIOD_START = datetime.date(1900, 1, 1)


def period_problem(start: datetime.date, end: datetime.date) -> str:
    """What is wrong with a pack's period, or ''. One rule for the form and the service."""
    if start < EARLIEST_PERIOD_START:
        # Midnight in the organisation's time zone on the calendar's first days is no moment Python can hold in UTC.
        return _("The period cannot start before 1900.")
    if end < start:
        return _("The end of the period is before its start.")
    if end > timezone.localdate():
        return _("The period cannot end in the future: what has not happened yet cannot be evidenced.")
    return ""


@transaction.atomic
def pack_request(
    *,
    actor: User,
    period_start: datetime.date,
    period_end: datetime.date,
    documents: Iterable[CodeDocument] = (),
    departments: Iterable[Department] = (),
) -> EvidencePack:
    """Ask for a pack of a period (dates in the organisation's time zone) and a scope (no documents or no
    departments: all of them). Refused when the period ends before it starts or in the future. The pack is
    built by a Celery task once this is committed."""
    if problem := period_problem(period_start, period_end):
        raise DomainError(problem)
    pack = EvidencePack.objects.create(requested_by=actor, period_start=period_start, period_end=period_end)
    pack.documents.set(documents)
    pack.departments.set(departments)
    event_record(
        actor=actor,
        action=audit_actions.PACK_REQUEST,
        target=pack,
        details={
            "period": [period_start.isoformat(), period_end.isoformat()],
            "documents": sorted(pack.documents.values_list("pk", flat=True)),
            "departments": sorted(pack.departments.values_list("pk", flat=True)),
        },
    )
    transaction.on_commit(lambda: _build_later(pack.pk))
    return pack


def _build_later(pack_id: int) -> None:
    from .tasks import build  # the task calls this module: imported when first needed

    build.delay(pack_id)


def pack_path(pack: EvidencePack) -> Path:
    return Path(settings.EVIDENCE_PACK_DIR) / pack.file_name


# A pack building that has not moved on for this long was left by a worker that died (a step is at most one
# statement over the period's rows or one version's PDF): another delivery of the task may build it again.
BUILD_STALLED_AFTER = datetime.timedelta(minutes=15)


def pack_build(*, pack_id: int) -> EvidencePack | None:
    """Build a pack: claim it (only one worker builds it at a time; one left stalled by a worker that died is
    taken over), write its ZIP file beside its final name and move it there once complete, then record it as
    ready with its SHA-256 and the chain head it ends with (a checkpoint written now). A pack that fails is
    marked failed with the reason, and its partial file removed: ask for another. Returns the pack, or None
    when it was not this call's to build (built already, being built, or taken over meanwhile).

    Not one transaction: the progress must be seen while it is built, and the tables are read one by one
    (each in one snapshot), every read bounded by the period and the chain head.
    """
    token = uuid.uuid4().hex
    now = timezone.now()
    claimable = Q(status=PackStatus.QUEUED) | Q(status=PackStatus.BUILDING, progress_at__lt=now - BUILD_STALLED_AFTER)
    claimed = EvidencePack.objects.filter(claimable, pk=pack_id).update(
        status=PackStatus.BUILDING, build_token=token, progress_at=now
    )
    if not claimed:
        return None
    pack = EvidencePack.objects.select_related("requested_by").get(pk=pack_id)
    directory = Path(settings.EVIDENCE_PACK_DIR)
    directory.mkdir(parents=True, exist_ok=True)
    partial = directory / f"evidence-pack-{pack.pk}.{token}.part"
    started = time.perf_counter()
    try:
        checkpoint = checkpoint_create()
        built = building.build(pack, token, checkpoint, partial)
        return _pack_ready(pack, token, partial, checkpoint, built, seconds=time.perf_counter() - started)
    except Exception as error:  # any failure is the pack's: recorded on it, for the person who asked
        logger.exception("Evidence pack %s failed", pack_id)
        reason = (
            error.message
            if isinstance(error, DomainError)
            else _("The pack could not be built: %(error)s") % {"error": error}
        )
        EvidencePack.objects.filter(pk=pack_id, build_token=token, status=PackStatus.BUILDING).update(
            status=PackStatus.FAILED, error=reason, finished_at=timezone.now()
        )
        return EvidencePack.objects.get(pk=pack_id)
    finally:
        partial.unlink(missing_ok=True)


@transaction.atomic
def _pack_ready(
    pack: EvidencePack,
    token: str,
    partial: Path,
    checkpoint: SignatureCheckpoint,
    built: building.Built,
    *,
    seconds: float,
) -> EvidencePack | None:
    """Record the pack as ready and move its file into place, if this build still holds its claim."""
    digest = hashlib.sha256()
    with partial.open("rb") as file:
        while chunk := file.read(READ_CHUNK):
            digest.update(chunk)
    name = f"evidence-pack-{pack.pk}.zip"
    ready = EvidencePack.objects.filter(pk=pack.pk, build_token=token, status=PackStatus.BUILDING).update(
        status=PackStatus.READY,
        file_name=name,
        size=partial.stat().st_size,
        sha256=digest.hexdigest(),
        manifest_sha256=built.manifest_sha256,
        signatures=built.signatures,
        checkpoint=checkpoint,
        finished_at=timezone.now(),
        done=F("total"),
    )
    if not ready:
        return None
    # In the transaction that records it: the row is ready exactly when the file is in place.
    os.replace(partial, Path(settings.EVIDENCE_PACK_DIR) / name)
    pack.refresh_from_db()
    event_record(
        actor=None,
        action=audit_actions.PACK_BUILD,
        target=pack,
        details={
            "sha256": pack.sha256,
            "manifest_sha256": pack.manifest_sha256,
            "size": pack.size,
            "signatures": pack.signatures,
            "checkpoint": checkpoint.pk,
            # How long it took, the versions' PDFs apart (their cost does not grow with the rows).
            "seconds": round(seconds, 3),
            "versions_seconds": round(built.versions_seconds, 3),
        },
    )
    return pack


def pack_download_record(*, actor: User, pack: EvidencePack) -> None:
    """Note who downloaded a pack: it is evidence handed outside the portal."""
    event_record(actor=actor, action=audit_actions.PACK_DOWNLOAD, target=pack, details={"sha256": pack.sha256})
