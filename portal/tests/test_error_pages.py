"""A page that cannot be shown says what happened, in words, with a way back home."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_an_unknown_address_answers_404_in_words(client, agent) -> None:
    client.force_login(agent.user)

    response = client.get("/no-such-page/")

    assert response.status_code == 404
    page = response.content.decode()
    assert "There is nothing here" in page
    assert 'href="/"' in page


def test_opening_an_address_that_only_takes_a_form_answers_405_in_words(client, agent) -> None:
    client.force_login(agent.user)

    response = client.get("/notifications/read-all/")

    assert response.status_code == 405
    assert response["Allow"] == "POST"
    page = response.content.decode()
    assert "This address does not accept a GET request" in page
    assert "It only accepts POST" in page
    assert 'href="/"' in page


def test_the_405_page_speaks_the_persons_language(client, agent) -> None:
    agent.preferred_language = "ro"
    agent.save(update_fields=["preferred_language"])
    client.force_login(agent.user)

    response = client.get("/notifications/read-all/")

    assert response.status_code == 405
    assert '<html lang="ro">' in response.content.decode()


def test_the_api_keeps_its_own_405_answer(sign_in, agent) -> None:
    response = sign_in(agent).post("/api/v1/people/", {"name": "x"})

    assert response.status_code == 405
    assert response.json()["type"] == "method_not_allowed"
