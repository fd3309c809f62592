"""verify_signatures over the whole chain, as `manage.py verify_signatures` checks it."""

from __future__ import annotations

import time

from bench.plumbing import Bench, Result
from bench.report import Row


def step_verify(params: Result) -> Result:
    from acknowledgements.chain import default_workers, verify_chain

    # As `manage.py verify_signatures` checks it: in parallel ranges on a long chain.
    started = time.perf_counter()
    result = verify_chain(workers=default_workers())
    seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "rows": result.checked,
        "rate": result.checked / seconds,
        "intact": result.intact,
        "breach": str(result.first_breach) if result.first_breach else "",
    }


def measure_verify(bench: Bench) -> None:
    bench.say("verify_signatures over the whole chain")
    result = bench.child("verify").result
    if not result["intact"]:
        bench.problems.append(f"the signature chain is broken: {result['breach']}")
    bench.rows.append(
        Row(
            f"verify_signatures, {result['rows']:,} records",
            f"{result['rate']:,.0f} rows/s ({result['seconds']:.1f} s, "
            f"{'intact' if result['intact'] else 'BROKEN: ' + result['breach']})",
            "≥ 50,000 rows/s",
            result["rate"] >= 50_000 and result["intact"],
        )
    )
