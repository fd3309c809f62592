"""Dates read one way everywhere, in the person's language, with the month in words:
nobody reads 03/09/2027 as September when March was meant."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core import mail
from django.utils import formats, timezone, translation

from acknowledgements import services as acknowledgement_services
from acknowledgements.models import AcknowledgementRequest
from reminders import services as reminder_services

pytestmark = pytest.mark.django_db

# A day whose number could pass for a month: 9 March, not 3 September.
DUE = datetime.date(2027, 3, 9)
IN_WORDS = {"en": "9 Mar 2027", "ro": "9 mar 2027"}
AMBIGUOUS = ("03/09/2027", "09/03/2027", "09.03.2027", "2027-03-09")


@pytest.fixture
def ack(published, agent) -> AcknowledgementRequest:
    acknowledgement_services.requests_create_for_version(version=published)
    AcknowledgementRequest.objects.filter(version=published).update(due_date=DUE)
    return AcknowledgementRequest.objects.get(version=published, person=agent)


@pytest.mark.parametrize("language", ["en", "ro"])
@pytest.mark.parametrize("name", ["DATE_FORMAT", "SHORT_DATE_FORMAT"])
def test_a_day_is_written_with_the_month_in_words(language: str, name: str) -> None:
    with translation.override(language):
        assert formats.date_format(DUE, name) == IN_WORDS[language]


@pytest.mark.parametrize("language", ["en", "ro"])
@pytest.mark.parametrize("name", ["DATETIME_FORMAT", "SHORT_DATETIME_FORMAT"])
def test_a_moment_is_written_with_the_month_in_words_and_a_24_hour_clock(language: str, name: str) -> None:
    moment = datetime.datetime(2027, 3, 9, 14, 5)

    with translation.override(language):
        assert formats.date_format(moment, name) == f"{IN_WORDS[language]}, 14:05"


@pytest.mark.parametrize("language", ["en", "ro"])
def test_the_acknowledgements_page_shows_the_due_date_in_the_persons_language(client, ack, agent, language) -> None:
    agent.preferred_language = language
    agent.save(update_fields=["preferred_language"])
    client.force_login(agent.user)

    page = client.get("/acknowledgements/").content.decode()

    assert IN_WORDS[language] in page
    assert not [text for text in AMBIGUOUS if text in page]


@pytest.mark.parametrize("language", ["en", "ro"])
def test_a_reminder_email_shows_the_due_date_in_the_recipients_language(ack, agent, language) -> None:
    agent.preferred_language = language
    agent.save(update_fields=["preferred_language"])
    day = DUE - datetime.timedelta(days=7)

    with time_machine.travel(datetime.datetime(day.year, day.month, day.day, 8, tzinfo=datetime.UTC), tick=False):
        reminder_services.sweep_now(day=day)

    (email,) = [email for email in mail.outbox if email.to == [agent.user.email]]
    html, _type = email.alternatives[0]
    for text in (email.subject, email.body, html):
        assert IN_WORDS[language] in text
        assert not [ambiguous for ambiguous in AMBIGUOUS if ambiguous in text]


@pytest.mark.parametrize("language", ["en", "ro"])
def test_a_proposed_date_shows_in_the_picker_in_every_language(client, agent, language) -> None:
    # A date picker reads only ISO dates: one written the person's way (07.03.2027) leaves the field empty.
    agent.preferred_language = language
    agent.save(update_fields=["preferred_language"])
    client.force_login(agent.user)

    # The proposed expiry, whatever day the suite runs on (on the suite's --clock too: a moment travelled to
    # outside it would outlive the session just made).
    expiry = timezone.localdate() + datetime.timedelta(days=90)  # a token's default lifetime

    page = client.get("/profile/api-tokens/").content.decode()

    assert f'name="expires_on" value="{expiry.isoformat()}"' in page
