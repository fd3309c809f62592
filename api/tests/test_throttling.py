from __future__ import annotations

import pytest
import time_machine
from django.utils import timezone

pytestmark = pytest.mark.django_db

PEOPLE = "/api/v1/people/"


@pytest.fixture
def three_a_minute(settings, monkeypatch) -> None:
    from api.throttling import ApiThrottle

    monkeypatch.setattr(ApiThrottle, "THROTTLE_RATES", {"api": "3/minute"})


def test_the_request_past_the_rate_is_refused_with_retry_after(api_as, agent, three_a_minute) -> None:
    client = api_as(agent)
    with time_machine.travel(timezone.now(), tick=False):
        statuses = [client.get(PEOPLE).status_code for _ in range(3)]
        response = client.get(PEOPLE)

    assert statuses == [200, 200, 200]
    assert response.status_code == 429
    assert response["Retry-After"] == "60"
    assert response.json() == {"type": "throttled", "detail": "Too many requests: try again in 60 seconds."}


def test_a_wait_of_one_second_is_said_in_the_singular(api_as, agent, monkeypatch) -> None:
    from api.throttling import ApiThrottle

    monkeypatch.setattr(ApiThrottle, "THROTTLE_RATES", {"api": "1/second"})
    client = api_as(agent)
    with time_machine.travel(timezone.now(), tick=False):
        client.get(PEOPLE)
        response = client.get(PEOPLE)

    assert response.json()["detail"] == "Too many requests: try again in 1 second."


def test_the_budget_comes_back_after_the_wait(api_as, agent, three_a_minute) -> None:
    client = api_as(agent)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        for _ in range(4):
            client.get(PEOPLE)
        clock.shift(61)
        response = client.get(PEOPLE)

    assert response.status_code == 200


def test_each_token_has_its_own_budget(api_as, agent, three_a_minute) -> None:
    first, second = api_as(agent), api_as(agent)
    with time_machine.travel(timezone.now(), tick=False):
        for _ in range(4):
            first.get(PEOPLE)
        response = second.get(PEOPLE)

    assert response.status_code == 200


def test_a_browser_session_is_throttled_per_person(sign_in, agent, three_a_minute) -> None:
    client = sign_in(agent)
    with time_machine.travel(timezone.now(), tick=False):
        for _ in range(3):
            client.get(PEOPLE)
        response = client.get(PEOPLE)

    assert response.status_code == 429
    assert response["Retry-After"] == "60"
