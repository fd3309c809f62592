"""Reading evidence: the reader's script reports which sections were on screen and for how long, and whether the
end of the text was; the reports add up per section, and the receipt and the exports show the result."""

from __future__ import annotations

import csv
import datetime
import io
import json
import zoneinfo

import pytest
import time_machine
from django.test import Client

from acknowledgements import services
from acknowledgements.exports import EXPORT
from acknowledgements.models import AcknowledgementRequest, RequestStatus, SectionReading
from codes.tests.factories import SectionFactory, publish
from people.tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db

OPENED = datetime.datetime(2027, 1, 15, 12, 0, tzinfo=zoneinfo.ZoneInfo("Europe/Bucharest"))


@pytest.fixture
def ack(published, agent) -> AcknowledgementRequest:
    services.requests_create_for_version(version=published)
    return AcknowledgementRequest.objects.get(version=published, person=agent)


def open_reader(client: Client, agent, ack: AcknowledgementRequest) -> Client:
    """The agent's browser, which opened the reader at `OPENED`."""
    # Signed in at the opening too: a session begun today would have expired by then.
    with time_machine.travel(OPENED, tick=False):
        client.force_login(agent.user)
        client.get(f"/acknowledgements/{ack.pk}/")
    return client


@pytest.fixture
def reader(client, agent, ack) -> Client:
    return open_reader(client, agent, ack)


def report(client: Client, ack: AcknowledgementRequest, *, after: int, seconds: object = None, end: bool = False):
    """A report of the reader's script sent `after` seconds past the opening."""
    data = {"seconds": seconds if isinstance(seconds, str) else json.dumps(seconds or {})}
    if end:
        data["end"] = "on"
    with time_machine.travel(OPENED + datetime.timedelta(seconds=after), tick=False):
        return client.post(f"/acknowledgements/{ack.pk}/reading/", data)


def seconds_per_position(ack: AcknowledgementRequest) -> dict[int, int]:
    return dict(SectionReading.objects.filter(request=ack).values_list("section__position", "seconds"))


def test_the_reader_reports_from_our_own_script_while_the_request_waits(reader, ack) -> None:
    page = reader.get(f"/acknowledgements/{ack.pk}/").content.decode()

    assert f'data-reading-url="/acknowledgements/{ack.pk}/reading/"' in page
    assert 'src="/static/js/reading-evidence.js"' in page


def test_reports_add_up_per_section(reader, ack) -> None:
    first = report(reader, ack, after=20, seconds={"1": 12, "2": 3})
    second = report(reader, ack, after=40, seconds={"1": 10})

    ack.refresh_from_db()
    assert (first.status_code, second.status_code) == (204, 204)
    assert seconds_per_position(ack) == {1: 22, 2: 3}
    assert ack.last_reading_at == OPENED + datetime.timedelta(seconds=40)
    assert ack.reached_end_at is None


def test_a_report_sooner_than_five_seconds_after_the_previous_is_refused_with_retry_after(reader, ack) -> None:
    report(reader, ack, after=20, seconds={"1": 12})

    refused = report(reader, ack, after=22, seconds={"1": 2})

    assert refused.status_code == 429
    assert refused["Retry-After"] == "3"
    assert seconds_per_position(ack) == {1: 12}


def test_seconds_beyond_the_time_since_the_previous_report_are_cut_to_it_and_five_more(reader, ack) -> None:
    report(reader, ack, after=10, seconds={"1": 3600, "2": 4})
    report(reader, ack, after=30, seconds={"1": 3600})

    assert seconds_per_position(ack) == {1: 15 + 25, 2: 4}


def test_reaching_the_end_is_recorded_at_the_first_report_that_says_so(reader, ack) -> None:
    report(reader, ack, after=10, end=True)
    report(reader, ack, after=20, end=True)

    ack.refresh_from_db()
    assert ack.reached_end_at == OPENED + datetime.timedelta(seconds=10)


@pytest.mark.parametrize(
    "seconds",
    ["not json", "[1]", '{"1": -1}', '{"1": 1.5}', '{"1": true}', '{"x": 1}', '{"1": 86401}', '{"99": 1}'],
)
def test_a_malformed_report_is_refused_and_nothing_is_recorded(reader, ack, seconds) -> None:
    response = report(reader, ack, after=10, seconds=seconds)

    ack.refresh_from_db()
    assert response.status_code == 400
    assert not SectionReading.objects.exists()
    assert ack.last_reading_at is None


def test_a_report_on_another_persons_request_is_not_found_and_nothing_is_recorded(client, outsider, ack) -> None:
    with time_machine.travel(OPENED, tick=False):
        client.force_login(outsider.user)

    response = report(client, ack, after=10, seconds={"1": 5}, end=True)

    ack.refresh_from_db()
    assert response.status_code == 404
    assert not SectionReading.objects.exists()
    assert (ack.last_reading_at, ack.reached_end_at) == (None, None)


def test_a_report_after_signing_is_refused_as_a_conflict_and_not_recorded(reader, agent, ack) -> None:
    # The evidence of a signature is the reading that came before it; a late beacon from the page adds nothing.
    services.signature_create(ack_request=ack, actor=agent.user, typed_name=agent.full_name)

    response = report(reader, ack, after=10, seconds={"1": 5})

    assert response.status_code == 409
    assert not SectionReading.objects.exists()


def test_a_report_is_posted_anonymous_is_sent_to_sign_in_and_get_is_not_allowed(client, reader, ack) -> None:
    assert reader.get(f"/acknowledgements/{ack.pk}/reading/").status_code == 405
    reader.logout()
    response = report(reader, ack, after=10, seconds={"1": 5})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_beacon_carries_its_csrf_token_in_the_form_data(agent, ack) -> None:
    # sendBeacon cannot set a header: the token travels as csrfmiddlewaretoken in the body.
    browser = Client(enforce_csrf_checks=True)
    with time_machine.travel(OPENED, tick=False):
        browser.force_login(agent.user)
        browser.get(f"/acknowledgements/{ack.pk}/")
    token = browser.cookies["csrftoken"].value

    without = report(browser, ack, after=10, seconds={"1": 5})
    with time_machine.travel(OPENED + datetime.timedelta(seconds=10), tick=False):
        with_token = browser.post(
            f"/acknowledgements/{ack.pk}/reading/", {"seconds": '{"1": 5}', "csrfmiddlewaretoken": token}
        )

    assert (without.status_code, with_token.status_code) == (403, 204)
    assert seconds_per_position(ack) == {1: 5}


@pytest.mark.parametrize("extra_sections", [0, 20])
def test_a_report_costs_the_same_queries_however_many_sections_it_names(
    client, draft, manager, second_manager, agent, extra_sections, django_assert_num_queries
) -> None:
    for position in range(3, 3 + extra_sections):
        SectionFactory(version=draft, position=position)
    services.requests_create_for_version(version=publish(draft, author=manager.user, approver=second_manager.user))
    ack = AcknowledgementRequest.objects.get(person=agent)
    reader = open_reader(client, agent, ack)
    seconds = {str(position): 1 for position in range(1, 3 + extra_sections)}

    # The session, the user, the request, the version's sections, then in a savepoint the claim of the request
    # and the one statement adding every section's seconds.
    with django_assert_num_queries(8):
        response = report(reader, ack, after=10, seconds=seconds, end=True)

    assert response.status_code == 204
    assert len(seconds_per_position(ack)) == 2 + extra_sections


def test_the_receipt_shows_the_reading_evidence_to_the_person_who_signed(reader, agent, ack) -> None:
    report(reader, ack, after=20, seconds={"1": 12, "2": 3}, end=True)
    signature = services.signature_create(ack_request=ack, actor=agent.user, typed_name=agent.full_name)

    page = reader.get(f"/acknowledgements/receipts/{signature.pk}/").content.decode()

    assert "15 seconds" in page
    assert "2 of 2 sections" in page
    assert "Yes, on" in page


def test_the_receipt_of_a_reading_without_the_script_shows_nothing_displayed(reader, agent, ack) -> None:
    signature = services.signature_create(ack_request=ack, actor=agent.user, typed_name=agent.full_name)

    page = reader.get(f"/acknowledgements/receipts/{signature.pk}/").content.decode()

    assert "0 seconds" in page
    assert "0 of 2 sections" in page


def test_the_csv_shows_the_reading_evidence(reader, ack) -> None:
    report(reader, ack, after=20, seconds={"1": 12}, end=True)

    response = EXPORT.csv_response(AcknowledgementRequest.objects.filter(pk=ack.pk), filename="export.csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"), newline="")))

    evidence = slice(rows[0].index("First opened"), rows[0].index("Reached the end") + 1)
    assert rows[0][evidence] == ["First opened", "Seconds on the text", "Sections displayed", "Reached the end"]
    assert rows[1][evidence] == ["2027-01-15T12:00:00+02:00", "12", "1/2", "2027-01-15T12:00:20+02:00"]


@pytest.fixture
def display_required(client, draft, manager, second_manager, agent) -> AcknowledgementRequest:
    """The agent's request for a version that is signed only once every section has been on screen."""
    draft.requires_every_section_displayed = True
    draft.save(update_fields=["requires_every_section_displayed"])
    services.requests_create_for_version(version=publish(draft, author=manager.user, approver=second_manager.user))
    return AcknowledgementRequest.objects.get(person=agent)


def sign(client: Client, agent, ack: AcknowledgementRequest, *, after: int):
    with time_machine.travel(OPENED + datetime.timedelta(seconds=after), tick=False):
        return client.post(
            f"/acknowledgements/{ack.pk}/sign/",
            {"agree": "on", "typed_name": agent.full_name, "password": TEST_PASSWORD},
        )


def test_the_reader_lists_the_sections_not_yet_displayed_when_every_one_must_be(client, agent, display_required):
    reader = open_reader(client, agent, display_required)
    report(reader, display_required, after=10, seconds={"1": 5})

    with time_machine.travel(OPENED + datetime.timedelta(seconds=20), tick=False):
        page = reader.get(f"/acknowledgements/{display_required.pk}/").content.decode()

    assert "This section has not been yet:" in page
    assert '<a href="#section-2">2. Privacy</a>' in page
    assert '<a href="#section-1">' not in page


def test_signing_is_refused_until_every_section_was_displayed_then_allowed(client, agent, display_required):
    reader = open_reader(client, agent, display_required)
    report(reader, display_required, after=10, seconds={"1": 5})

    refused = sign(reader, agent, display_required, after=20)

    display_required.refresh_from_db()
    assert refused.status_code == 400
    assert "this one has not been yet: 2. Privacy. Scroll through it, then sign." in refused.content.decode()
    assert display_required.status == RequestStatus.PENDING

    report(reader, display_required, after=30, seconds={"2": 4})
    signed = sign(reader, agent, display_required, after=40)

    display_required.refresh_from_db()
    assert signed.status_code == 302
    assert display_required.status == RequestStatus.SIGNED


def test_the_reader_opened_again_just_after_a_report_tells_its_script_to_wait_for_the_rest_of_the_interval(
    reader, ack
) -> None:
    report(reader, ack, after=10, seconds={"1": 5})

    with time_machine.travel(OPENED + datetime.timedelta(seconds=12), tick=False):
        page = reader.get(f"/acknowledgements/{ack.pk}/").content.decode()

    assert 'data-reading-wait-ms="3000"' in page
