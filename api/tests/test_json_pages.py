"""The list pages PostgreSQL writes (api.json_pages) equal what Django REST framework writes for the same rows."""

from __future__ import annotations

import base64
import datetime
import json
import zoneinfo
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ImproperlyConfigured
from rest_framework import mixins, serializers
from rest_framework.test import APIRequestFactory

from acknowledgements import services
from acknowledgements.commitments import PSEUDONYM_PREFIX
from acknowledgements.models import AcknowledgementRequest, Signature
from acknowledgements.tests.dashboard.helpers import request_of
from api.json_pages import row_json
from api.resources.acknowledgements import SignatureViewSet
from codes.models import CodeVersion
from people.models import StaffProfile
from people.tests.factories import KioskPersonFactory, StaffProfileFactory

pytestmark = pytest.mark.django_db

SIGNATURES = "/api/v1/signatures/"
BUCHAREST = zoneinfo.ZoneInfo("Europe/Bucharest")


class SerializedSignatureViewSet(SignatureViewSet):
    """The signatures list as DRF writes it, through the serializer: what PostgreSQL's pages must equal."""

    def list(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        return mixins.ListModelMixin.list(self, request, *args, **kwargs)


def page(view_set: type[SignatureViewSet], secret: str, address: str) -> dict[str, Any]:
    request = APIRequestFactory().get(address, HTTP_AUTHORIZATION=f"Bearer {secret}")
    response = view_set.as_view({"get": "list"})(request)
    assert response.status_code == 200, response
    if hasattr(response, "render"):
        response.render()
    assert response["Content-Type"] == "application/json"
    return json.loads(response.content)


def sign_at(
    person: StaffProfile, version: CodeVersion, moment: datetime.datetime, **how: Any
) -> AcknowledgementRequest:
    ack_request = request_of(person, version)
    with time_machine.travel(moment, tick=False):
        services.signature_create(ack_request=ack_request, actor=person.user, typed_name=person.full_name, **how)
    return ack_request


@pytest.fixture
def awkward(published, manager, support, compliance_officer) -> CodeVersion:
    """Signatures with every kind of value a row holds: non-ASCII and quoted names, a person without a name,
    an IPv6 address, none, a moment on a whole second and one opened in another time zone, a kiosk record,
    and a pseudonymised one."""
    stefan = StaffProfileFactory(
        user__first_name='Ștefan "Ștefi"', user__last_name="Brâncuși\\ 🙂", department=support, manager=manager
    )
    nameless = StaffProfileFactory(user__first_name="", user__last_name="", department=support, manager=manager)
    leaver = StaffProfileFactory(user__first_name="Léa", department=support, manager=manager)
    worker = KioskPersonFactory(user__first_name="Zoë", department=support, manager=manager)
    services.requests_create_for_version(version=published)
    opened = request_of(stefan, published)
    AcknowledgementRequest.objects.filter(pk=opened.pk).update(
        first_opened_at=datetime.datetime(2026, 3, 29, 2, 30, 0, 7, tzinfo=BUCHAREST)
    )
    sign_at(stefan, published, datetime.datetime(2026, 3, 29, 4, 0, 1, 123456, tzinfo=BUCHAREST), user_agent="Ünï/1 \t")
    sign_at(nameless, published, datetime.datetime(2026, 3, 30, 12, 0, tzinfo=datetime.UTC), ip_address="2001:db8::7")
    sign_at(leaver, published, datetime.datetime(2026, 3, 31, 23, 59, 59, 999999, tzinfo=datetime.UTC))
    sign_at(
        worker,
        published,
        datetime.datetime(2026, 4, 1, 9, 0, tzinfo=BUCHAREST),
        witness=manager,
        device="Hală — tabletă",
        ip_address="203.0.113.7",
    )
    StaffProfile.objects.filter(pk=leaver.pk).update(employee_id=f"{PSEUDONYM_PREFIX}lea")
    leaver.refresh_from_db()
    services.signatures_pseudonymise(person=leaver)
    return published


@pytest.mark.parametrize("viewer", ["compliance_officer", "manager"])
def test_every_page_equals_the_serializer_s_for_the_same_rows(request, make_token, awkward, viewer, settings):
    # Compliance sees the network fields, a manager does not; the site's time zone is not UTC.
    settings.TIME_ZONE = "Pacific/Kiritimati"
    secret = make_token(request.getfixturevalue(viewer))
    address: str | None = f"http://testserver{SIGNATURES}?page_size=2"
    walked = 0

    while address:
        written = page(SignatureViewSet, secret, address)
        assert written == page(SerializedSignatureViewSet, secret, address)
        # In the same order of keys too, as a client that prints them sees them.
        assert [list(row) for row in written["results"]] == [
            list(row) for row in page(SerializedSignatureViewSet, secret, address)["results"]
        ]
        walked += len(written["results"])
        previous = written["previous"]
        address = written["next"]

    assert walked == 4
    # A previous link reads the rows in reverse and gives them back in order.
    assert page(SignatureViewSet, secret, previous) == page(SerializedSignatureViewSet, secret, previous)


@pytest.mark.parametrize("cursor", ["o=1", "o=1&p={first}", "r=1&p={last}", "o=1&r=1&p={last}", "r=1&p={first}"])
def test_a_cursor_backwards_or_with_an_offset_reads_the_serializer_s_page(
    make_token, compliance_officer, awkward, cursor
):
    # DRF's cursors may skip rows (an offset) or read backwards: the page leaves out the row read beyond it
    # on either side, and its links are DRF's.
    first, *_between, last = Signature.objects.order_by("pk").values_list("pk", flat=True)
    secret = make_token(compliance_officer)
    encoded = base64.b64encode(cursor.format(first=first, last=last).encode()).decode()
    address = f"http://testserver{SIGNATURES}?page_size=2&cursor={encoded}"

    written = page(SignatureViewSet, secret, address)

    assert written == page(SerializedSignatureViewSet, secret, address)


def test_the_awkward_values_are_in_the_page(api_as, compliance_officer, manager, awkward):
    rows = api_as(compliance_officer).get(SIGNATURES).json()["results"]

    stefan, nameless, leaver, worker = rows
    assert stefan["person_name"] == 'Ștefan "Ștefi" Brâncuși\\ 🙂'
    assert (stefan["signed_at"], stefan["first_opened_at"]) == (
        "2026-03-29T01:00:01.123456+00:00",
        "2026-03-29T00:30:00.000007+00:00",
    )
    assert (stefan["ip_address"], stefan["user_agent"]) == (None, "Ünï/1 \t")
    assert (nameless["person_name"], nameless["ip_address"]) == (nameless["typed_name"], "2001:db8::7")
    assert nameless["signed_at"] == "2026-03-30T12:00:00.000000+00:00"
    assert (leaver["typed_name"], leaver["ip_address"], leaver["user_agent"]) == (f"{PSEUDONYM_PREFIX}lea", None, "")
    assert (worker["method"], worker["witness"], worker["device"]) == ("kiosk", manager.pk, "Hală — tabletă")
    assert stefan["witness"] is None


def test_a_field_whose_sql_is_not_given_is_refused():
    class WithAMoment(serializers.Serializer[Any]):
        id = serializers.IntegerField()
        created_at = serializers.DateTimeField()

    with pytest.raises(ImproperlyConfigured, match=r"WithAMoment\.created_at \(DateTimeField\)"):
        row_json(WithAMoment(), {})
