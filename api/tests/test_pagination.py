from __future__ import annotations

import base64

import pytest

from people.tests.factories import DepartmentFactory

pytestmark = pytest.mark.django_db

DEPARTMENTS = "/api/v1/departments/"


def _cursor(raw: str) -> str:
    return base64.b64encode(raw.encode()).decode()


def _walk(client, address: str) -> list[int]:
    ids: list[int] = []
    while address:
        page = client.get(address).json()
        ids += [row["id"] for row in page["results"]]
        address = page["next"]
    return ids


def test_pages_follow_the_ids_in_order_without_repeats(api_as, compliance_officer) -> None:
    DepartmentFactory.create_batch(6)
    client = api_as(compliance_officer)

    ids = _walk(client, f"{DEPARTMENTS}?page_size=2")

    assert ids == sorted(ids)
    assert len(ids) == len(set(ids)) == 7


def test_rows_added_while_walking_come_at_the_end_and_nothing_repeats(api_as, compliance_officer) -> None:
    DepartmentFactory.create_batch(3)
    client = api_as(compliance_officer)
    first = client.get(f"{DEPARTMENTS}?page_size=2").json()
    added = DepartmentFactory()

    ids = [row["id"] for row in first["results"]] + _walk(client, first["next"])

    assert ids == sorted(ids)
    assert ids[-1] == added.pk
    assert len(ids) == len(set(ids)) == 5


def test_the_previous_link_goes_back(api_as, compliance_officer) -> None:
    DepartmentFactory.create_batch(3)
    client = api_as(compliance_officer)
    first = client.get(f"{DEPARTMENTS}?page_size=2").json()
    second = client.get(first["next"]).json()

    back = client.get(second["previous"]).json()

    assert back["results"] == first["results"]
    assert first["previous"] is None


def test_the_default_page_holds_a_hundred_rows(api_as, compliance_officer) -> None:
    DepartmentFactory.create_batch(100)

    page = api_as(compliance_officer).get(DEPARTMENTS).json()

    assert len(page["results"]) == 100
    assert page["next"] is not None


@pytest.mark.parametrize("size", ["0", "-1", "1001", "10000000000000000000000", "abc", "1.5", "", "٣"])
def test_a_page_size_out_of_range_is_a_validation_error(api_as, compliance_officer, size: str) -> None:
    response = api_as(compliance_officer).get(DEPARTMENTS, {"page_size": size})

    assert response.status_code == 400
    assert response.json() == {
        "type": "validation_error",
        "detail": "The request is not valid: see the errors of each field.",
        "errors": {"page_size": ["Give a whole number from 1 to 1000."]},
    }


@pytest.mark.parametrize(
    "cursor",
    [
        "garbage",
        "é",
        _cursor("p=abc"),
        _cursor("p=99999999999999999999999"),
        _cursor("p=-5"),
        _cursor("o=-1"),
        _cursor("r=x"),
    ],
)
def test_a_cursor_not_made_by_the_api_is_a_validation_error(api_as, compliance_officer, cursor: str) -> None:
    response = api_as(compliance_officer).get(DEPARTMENTS, {"cursor": cursor})

    assert response.status_code == 400
    assert response.json()["type"] == "validation_error"
    assert list(response.json()["errors"]) == ["cursor"]
