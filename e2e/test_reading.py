"""Reading evidence in a real browser: the reader's script reports the sections on screen and the end reached."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page

from acknowledgements.models import AcknowledgementRequest, SectionReading
from people.models import StaffProfile

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_the_reader_reports_the_sections_on_screen_and_the_end_reached(
    browser_as: Callable[[StaffProfile], Page], asked: AcknowledgementRequest, agent: StaffProfile
) -> None:
    page = browser_as(agent)
    # The page's clock is the test's: the report due after 15 seconds is sent when the test moves time on.
    page.clock.install()
    page.goto(f"/acknowledgements/{asked.pk}/")
    page.locator("[data-reading-end]").scroll_into_view_if_needed()

    with page.expect_response(lambda response: response.url.endswith(f"/acknowledgements/{asked.pk}/reading/")) as sent:
        page.clock.run_for(16_000)

    assert sent.value.status == 204
    asked.refresh_from_db()
    seconds = dict(SectionReading.objects.filter(request=asked).values_list("section__position", "seconds"))
    assert set(seconds) == {1, 2}
    assert all(value > 0 for value in seconds.values())
    assert asked.reached_end_at is not None
