from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from codes.diff import diff_versions
from codes.models import CodeDocument, CodeVersion, Section, VersionStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(demo_organisation, settings) -> CodeDocument:
    settings.DEBUG = True  # for seeding again
    return CodeDocument.objects.get(slug="customer-service-code")


def test_the_demo_code_has_a_published_first_version_of_about_ten_sections(seeded) -> None:
    first = seeded.versions.get(number=1)

    assert first.status == VersionStatus.PUBLISHED
    assert 8 <= first.sections.count() <= 12
    assert first.approver.username == "reviewer"
    assert first.author.username == "manager"


def test_the_demo_draft_differs_from_the_published_version(seeded) -> None:
    first, second = seeded.versions.get(number=1), seeded.versions.get(number=2)

    diff = diff_versions(list(first.sections.all()), list(second.sections.all()))

    assert second.status == VersionStatus.DRAFT
    assert (diff.added, diff.removed, diff.changed) == (1, 0, 3)
    assert (
        "<del>2 minutes</del><ins>1 minute</ins>"
        in next(c for c in diff.changes if c.new.title == "Responsiveness").body_html
    )


def test_seeding_twice_adds_no_code(seeded) -> None:
    counts = (CodeDocument.objects.count(), CodeVersion.objects.count(), Section.objects.count())

    call_command("seed_demo", stdout=StringIO())

    assert (CodeDocument.objects.count(), CodeVersion.objects.count(), Section.objects.count()) == counts


def test_the_demo_codes_review_follows_its_interval(seeded, client) -> None:
    """Published today with a review every twelve months: not "Review due soon"."""
    from codes.services import next_review_date
    from people.models import StaffProfile

    published_on = seeded.versions.get(number=1).effective_date
    client.force_login(StaffProfile.objects.get(user__username="manager").user)

    listing = client.get("/codes/").content.decode()

    assert seeded.next_review_due == next_review_date(published_on, seeded.review_interval_months)
    assert '<span class="badge text-bg-warning">Review due soon</span>' not in listing
    assert seeded.review_status not in {"due_soon", "overdue"}
