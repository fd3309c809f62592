"""Every page loads the script that marks a form being sent, and gives it its words in the person's language."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_every_page_loads_the_busy_buttons_script_deferred(client, agent) -> None:
    client.force_login(agent.user)

    page = client.get("/").content.decode()

    assert '<script src="/static/js/busy-buttons.js" defer></script>' in page


def test_the_busy_words_come_from_the_page_translated(client, agent) -> None:
    client.force_login(agent.user)

    page = client.get("/").content.decode()

    assert 'data-busy-label="Working…"' in page
