"""An evidence pack of every seeded signature, built as the worker builds it, against the CSV export of the same rows;
then its own verify.py run on it, which must pass.

Time: the pack's build without the versions' PDFs (a cost of the versions in force, not of the rows) against
the CSV export of every signature, ≤ 2×. Memory: the peak of a pack of every signature against that of a
pack of the last week, flat (both children's own peaks, from wait4).
"""

from __future__ import annotations

import datetime
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from bench.plumbing import Bench, Child, Result
from bench.probes import compliance_officer
from bench.report import Row

SMALL_DAYS = 7


def step_pack(params: Result) -> Result:
    """Build a pack of the last `days` days (every signature when None), as the worker does."""
    from django.db.models import Min
    from django.utils import timezone

    from acknowledgements.models import Signature
    from audit.models import AuditEvent
    from evidence import services
    from evidence.models import EvidencePack, PackStatus

    end = timezone.localdate()
    if params["days"] is None:
        first = Signature.objects.aggregate(first=Min("signed_at"))["first"]
        start = timezone.localdate(first) if first else end
    else:
        start = end - datetime.timedelta(days=params["days"])
    asked = EvidencePack.objects.create(requested_by=compliance_officer(), period_start=start, period_end=end)
    started = time.perf_counter()
    pack = services.pack_build(pack_id=asked.pk)
    seconds = time.perf_counter() - started
    assert pack is not None, "the pack was not waiting to be built"
    assert pack.status == PackStatus.READY, pack.error
    built = AuditEvent.objects.get(action="evidence.pack.build", object_id=str(pack.pk)).details
    return {
        "seconds": seconds,
        "versions_seconds": built["versions_seconds"],
        "signatures": pack.signatures,
        # Every signature stored, the signing load's included: the pack's period reaches today.
        "stored": Signature.objects.count(),
        "bytes": pack.size,
        "path": str(services.pack_path(pack)),
        "start": start.isoformat(),
        "end": end.isoformat(),
    }


def step_pack_verify(params: Result) -> Result:
    """Unzip the pack and run its own verify.py in a fresh Python, as an auditor would."""
    folder = Path(tempfile.mkdtemp(prefix="evidence-pack-"))
    try:
        with zipfile.ZipFile(params["path"]) as archive:
            archive.extractall(folder)
        (pack,) = folder.iterdir()
        started = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-I", "verify.py"], cwd=pack, capture_output=True, text=True, check=False
        )
        return {"seconds": time.perf_counter() - started, "status": done.returncode, "output": done.stdout[-2000:]}
    finally:
        shutil.rmtree(folder)


def measure_pack(bench: Bench, windows: Result, csv: Child | None) -> None:
    """The packs, and the CSV export they are compared with (measured here when the exports were not)."""
    if csv is None:
        bench.say(f"CSV export of all {windows['signed_total']:,} signatures (to compare the evidence pack with)")
        csv = bench.child("export", format="csv", filters={})
    bench.say(f"evidence pack of the last {SMALL_DAYS} days")
    small = bench.child("pack", days=SMALL_DAYS)
    bench.say("evidence pack of every signature")
    large = bench.child("pack", days=None)
    if large.result["signatures"] != large.result["stored"]:
        bench.problems.append(
            f"the evidence pack holds {large.result['signatures']:,} signatures where "
            f"{large.result['stored']:,} are stored"
        )
    bench.say("the pack's own verify.py")
    verified = bench.child("pack-verify", path=large.result["path"])
    if verified.result["status"] != 0:
        bench.problems.append(f"the evidence pack's verify.py failed: {verified.result['output']}")
    _report(bench, csv, small, large, verified)


def _report(bench: Bench, csv: Child, small: Child, large: Child, verified: Child) -> None:
    pack, rows = large.result, large.result["signatures"]
    tables = pack["seconds"] - pack["versions_seconds"]
    ratio = tables / csv.result["seconds"]
    bench.rows.append(
        Row(
            f"Evidence pack, {rows:,} signatures ({pack['start']} to {pack['end']})",
            f"{pack['seconds']:.1f} s ({pack['versions_seconds']:.1f} s of version PDFs), "
            f"{pack['bytes'] / 2**20:.0f} MiB; without the PDFs {ratio:.2f}× the CSV export "
            f"({csv.result['seconds']:.1f} s)",
            "≤ 2× the CSV export",
            ratio <= 2,
        )
    )
    growth = large.peak_mb - small.peak_mb
    bench.rows.append(
        Row(
            f"Evidence pack peak memory, {small.result['signatures']:,} vs {rows:,} signatures",
            f"{small.peak_mb:.0f} MB vs {large.peak_mb:.0f} MB ({growth:+.0f} MB; CSV export {csv.peak_mb:.0f} MB)",
            "flat: ≤ +20 MB",
            growth <= 20,
        )
    )
    bench.rows.append(
        Row(
            f"Evidence pack's verify.py, {rows:,} signatures",
            f"{verified.result['seconds']:.1f} s, {'OK' if verified.result['status'] == 0 else 'FAILED'}",
            "",
            None,
        )
    )
