"""The campaign page of one version, as a compliance officer sees it: median server time, queries, its figures."""

from __future__ import annotations

from bench.pages import page_row, page_timings, shown_number
from bench.plumbing import Bench, Result
from bench.probes import compliance_officer, signed_in_client

# The figures checked against the database; the totals row is the first on the page to carry them.
CHECKED_FIGURES = ("asked", "pending")


def step_campaign(params: Result) -> Result:
    """Server time of a version's campaign page, and its totals as shown beside the database's own counts."""
    from django.urls import reverse

    from acknowledgements.models import AcknowledgementRequest, RequestStatus

    client = signed_in_client(compliance_officer())
    timings, html = page_timings(client, reverse("acknowledgements:campaign", args=[params["version_id"]]))
    requests = AcknowledgementRequest.objects.filter(version_id=params["version_id"])
    expected = {"asked": requests.count(), "pending": requests.filter(status=RequestStatus.PENDING).count()}
    shown = {name: shown_number(html, rf'data-figure="{name}">([\d,]+)<') for name in CHECKED_FIGURES}
    return {**timings, "expected": expected, "shown": shown}


def measure_campaign(bench: Bench, version_id: int, people: int) -> None:
    bench.say("campaign page")
    result = bench.child("campaign", version_id=version_id).result
    if result["shown"] != result["expected"]:
        bench.problems.append(f"the campaign page showed {result['shown']} where the database has {result['expected']}")
    bench.rows.append(page_row(f"campaign page of a version at {people:,} people", result, max_queries=11))
