"""The audit log's descriptions lose a leaver's name however it was written (`events_pseudonymise`)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from audit import actions
from audit.models import AuditEvent
from audit.services import event_record, events_pseudonymise

pytestmark = pytest.mark.django_db

PUBLISH = "codes.version.publish"


def recorded(name: str, details: dict) -> AuditEvent:
    action = actions.lookup(PUBLISH)
    assert action is not None
    return event_record(actor=None, action=action, target=Group.objects.create(name=name), details=details)


def test_a_name_in_capitals_leaves_the_object_and_the_details() -> None:
    event = recorded("Handover from ZENOBIA QUILLFEATHER", {"note": "ask ZENOBIA QUILLFEATHER"})

    changed = events_pseudonymise(mentions=["Zenobia Quillfeather"], pseudonym="anon-7f3a")

    event.refresh_from_db()
    assert changed == 1
    assert event.object_repr == "Handover from anon-7f3a"
    assert event.details == {"note": "ask anon-7f3a"}
    assert event.pseudonymised_at is not None


def test_each_spelling_of_a_name_in_one_event_is_replaced() -> None:
    event = recorded("zenobia quillfeather and Zenobia Quillfeather", {"by": "ZeNoBiA QuIlLfEaThEr"})

    events_pseudonymise(mentions=["Zenobia Quillfeather"], pseudonym="anon-7f3a")

    event.refresh_from_db()
    assert event.object_repr == "anon-7f3a and anon-7f3a"
    assert event.details == {"by": "anon-7f3a"}


def test_a_name_with_diacritics_leaves_the_details_in_any_case() -> None:
    event = recorded("Ștefan Țurcanu", {"note": "cerut de ȘTEFAN ȚURCANU"})

    events_pseudonymise(mentions=["Ștefan Țurcanu"], pseudonym="anon-7f3a")

    event.refresh_from_db()
    assert event.object_repr == "anon-7f3a"
    assert event.details == {"note": "cerut de anon-7f3a"}


def test_an_event_that_does_not_name_the_person_is_left_as_it_was() -> None:
    event = recorded("Support", {"note": "Zenobia's team"})

    changed = events_pseudonymise(mentions=["Zenobia Quillfeather"], pseudonym="anon-7f3a")

    event.refresh_from_db()
    assert changed == 0
    assert (event.object_repr, event.details, event.pseudonymised_at) == ("Support", {"note": "Zenobia's team"}, None)
