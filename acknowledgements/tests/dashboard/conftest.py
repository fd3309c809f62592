"""The cast of the dashboard's tests: six people in two departments, and a campaign of version 1."""

from __future__ import annotations

import pytest

from acknowledgements import services
from acknowledgements.tests.dashboard.helpers import make_overdue, sign, waive
from codes.models import CodeVersion
from codes.tests.factories import CodeDocumentFactory, DraftFactory, SectionFactory, publish
from people.models import StaffProfile
from people.tests.factories import StaffProfileFactory


@pytest.fixture
def compliance(compliance_officer):
    return compliance_officer.department


@pytest.fixture
def sam(support, manager) -> StaffProfile:
    return StaffProfileFactory(
        user__username="sam", user__first_name="Sam", user__roles=["Agent"], department=support, manager=manager
    )


@pytest.fixture
def carl(compliance) -> StaffProfile:
    return StaffProfileFactory(user__username="carl", user__first_name="Carl", department=compliance)


@pytest.fixture
def rita(support, second_manager) -> StaffProfile:
    """In Support, but reporting to the second manager."""
    return StaffProfileFactory(
        user__username="rita", user__first_name="Rita", department=support, manager=second_manager
    )


@pytest.fixture
def asked(published, manager, second_manager, agent, sam, compliance_officer, carl) -> CodeVersion:
    """Version 1 asked of six people: Maria, Radu, Ana and Sam in Support; Cora and Carl in Compliance."""
    services.requests_create_for_version(version=published)
    return published


@pytest.fixture
def campaign(asked, agent, carl, second_manager, sam, compliance_officer):
    """Two signed (Ana, Carl), one waived (Radu), one overdue (Sam), two pending in time (Maria, Cora)."""
    sign(agent, asked)
    sign(carl, asked)
    waive(second_manager, asked, compliance_officer)
    make_overdue(sam, asked)
    return asked


@pytest.fixture
def privacy(campaign, manager, second_manager, compliance) -> CodeVersion:
    """A second document, published to Compliance only (Cora and Carl), which Carl signed."""
    version = DraftFactory(document=CodeDocumentFactory(title="Privacy Code", slug="privacy"), number=1)
    SectionFactory(version=version, position=1, title="Records", body="Keep records private.")
    version = publish(version, author=manager.user, approver=second_manager.user, departments=[compliance])
    services.requests_create_for_version(version=version)
    return version
