"""The audit log in Django's admin: read-only, and its filters never scan the whole log for their choices."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.actions import registered
from audit.services import event_record

pytestmark = pytest.mark.django_db

URL = "/admin/audit/auditevent/"


@pytest.fixture
def superuser():
    return get_user_model().objects.create_superuser(username="root", password="x", email="root@example.com")


def test_the_filters_offer_object_types_without_reading_the_log(client, superuser) -> None:
    event_record(actor=None, action=registered()[0], target=Group.objects.create(name="Support"))
    client.force_login(superuser)

    with CaptureQueriesContext(connection) as queries:
        page = client.get(URL).content.decode()

    assert "?object_type=auth.group" in page
    assert "?object_type=codes.codeversion" in page, "a kind of object nothing was recorded about yet is offered"
    assert not [query["sql"] for query in queries if "DISTINCT" in query["sql"].upper()]


def test_filtering_on_an_object_type_lists_only_its_events(client, superuser) -> None:
    event_record(actor=None, action=registered()[0], target=Group.objects.create(name="Support"))
    event_record(actor=None, action=registered()[0], target=superuser)
    client.force_login(superuser)

    page = client.get(URL, {"object_type": "auth.group"}).content.decode()

    assert "Support" in page
    assert "root" not in page.split('id="result_list"')[1]
