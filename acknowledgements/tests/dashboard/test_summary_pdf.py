"""A version's summary PDF, downloaded from the dashboard."""

from __future__ import annotations

import pytest

from codes.models import CodeVersion

pytestmark = pytest.mark.django_db


def summary_url(version: CodeVersion) -> str:
    return f"/acknowledgements/dashboard/versions/{version.pk}/summary.pdf"


def test_compliance_downloads_a_versions_summary_as_pdf(client, compliance_officer, campaign):
    client.force_login(compliance_officer.user)

    response = client.get(summary_url(campaign))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="summary-customer-service-v1.pdf"'
    assert response.content.startswith(b"%PDF")


def test_an_agent_may_not_download_a_summary(client, agent, campaign):
    client.force_login(agent.user)

    response = client.get(summary_url(campaign))

    assert response.status_code == 403
    assert "You may not open this page" in response.content.decode()


def test_a_draft_has_no_summary(client, compliance_officer, draft):
    client.force_login(compliance_officer.user)

    response = client.get(summary_url(draft))

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
    assert "There is nothing here" in response.content.decode()
