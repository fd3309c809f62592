"""Verifying the signature chain from its page."""

from __future__ import annotations

import pytest

from audit.models import AuditEvent

pytestmark = pytest.mark.django_db

VERIFY = "/acknowledgements/verify/"


def test_the_verify_page_shows_the_button(client, compliance_officer):
    client.force_login(compliance_officer.user)

    response = client.get(VERIFY)

    assert response.status_code == 200
    assert "Verify now" in response.content.decode()
    assert response.context["report"] is None


def test_verifying_an_intact_chain_says_intact_with_the_number_of_records(client, compliance_officer, campaign):
    client.force_login(compliance_officer.user)

    response = client.post(VERIFY)

    assert response.status_code == 200
    assert "Intact: 2 records checked" in response.content.decode()
    assert AuditEvent.objects.get(action="acknowledgements.verify").details == {
        "checked": 2,
        "intact": True,
        "problems": [],
    }


@pytest.mark.parametrize("method", ["get", "post"])
def test_an_agent_may_not_verify(client, agent, method):
    client.force_login(agent.user)

    assert getattr(client, method)(VERIFY).status_code == 403
    assert not AuditEvent.objects.filter(action="acknowledgements.verify").exists()
