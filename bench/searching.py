"""Search as a compliance officer: the codes' sections by a word most of them hold, and people by a common surname.

Each search is timed like the dashboard (median server time through Django's test Client, and its
queries); the count the page shows must be the database's own, counted without the search's code.
"""

from __future__ import annotations

from bench.pages import page_row, page_timings, shown_number
from bench.plumbing import Bench, Result
from bench.probes import compliance_officer, signed_in_client

# In most of the seeded sentences (seeding/scale/documents.py), so in nearly every section. The
# test Client sends no Accept-Language, so the search is in English, whose stemmer finds
# "customers" and "customer's" as well: every text that contains the word.
SECTION_WORD = "customer"
# One of seed_scale's surnames, about one person in sixty; unlike Pop or Radu, no other name or
# email contains it, so the people it finds are exactly those of that surname.
SURNAME = "Popescu"


def step_search_sections(params: Result) -> Result:
    from django.db.models import Q
    from django.urls import reverse

    from codes.models import Section

    client = signed_in_client(compliance_officer())
    timings, html = page_timings(client, f"{reverse('search:results')}?q={SECTION_WORD}")
    # A compliance officer may read every version, so every section counts.
    expected = Section.objects.filter(Q(title__icontains=SECTION_WORD) | Q(body__icontains=SECTION_WORD)).count()
    return {**timings, "expected": expected, "shown": shown_number(html, r"([\d,]+) sections?\s*</h2>")}


def step_search_people(params: Result) -> Result:
    from django.urls import reverse

    from people.models import StaffProfile

    client = signed_in_client(compliance_officer())
    timings, html = page_timings(client, f"{reverse('search:people')}?q={SURNAME}")
    expected = StaffProfile.objects.filter(user__last_name=SURNAME).count()
    return {**timings, "expected": expected, "shown": shown_number(html, r"([\d,]+) (?:person|people)\s*</h2>")}


def measure_search(bench: Bench, people: int) -> None:
    bench.say(f"search for “{SECTION_WORD}” in the codes")
    sections = bench.child("search-sections").result
    _check_count(bench, sections, f"sections holding “{SECTION_WORD}”")
    bench.rows.append(page_row(f"search the codes, {sections['expected']:,} sections found", sections, max_queries=9))
    bench.say(f"search for people named {SURNAME}")
    named = bench.child("search-people").result
    _check_count(bench, named, f"people named {SURNAME}")
    bench.rows.append(
        page_row(f"search {people:,} people, {named['expected']:,} found by surname", named, max_queries=7)
    )


def _check_count(bench: Bench, result: Result, what: str) -> None:
    if not result["expected"] or result["shown"] != result["expected"]:
        bench.problems.append(f"search showed {result['shown']} {what} where the database has {result['expected']}")
