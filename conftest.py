"""The cast shared by every test: one person per role, and an outsider with none."""

from __future__ import annotations

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.utils import translation

from people.models import StaffProfile
from people.tests.factories import TEST_PASSWORD, DepartmentFactory, StaffProfileFactory


def pytest_report_header() -> list[str]:
    database = django_settings.DATABASES["default"]
    where = database["HOST"] or database["NAME"]
    broker = django_settings.CELERY_BROKER_URL.split("://")[0]
    return [f"database: {database['ENGINE'].rsplit('.', 1)[-1]} at {where}; celery broker: {broker}"]


@pytest.fixture
def support(db):
    return DepartmentFactory(name="Support", code="SUP")


@pytest.fixture
def manager(support) -> StaffProfile:
    return StaffProfileFactory(
        user__username="maria", user__first_name="Maria", user__roles=["Manager"], department=support
    )


@pytest.fixture
def second_manager(support) -> StaffProfile:
    return StaffProfileFactory(
        user__username="radu", user__first_name="Radu", user__roles=["Manager"], department=support
    )


@pytest.fixture
def agent(support, manager) -> StaffProfile:
    return StaffProfileFactory(
        user__username="ana", user__first_name="Ana", user__roles=["Agent"], department=support, manager=manager
    )


@pytest.fixture
def compliance_officer(db) -> StaffProfile:
    return StaffProfileFactory(
        user__username="cora",
        user__first_name="Cora",
        user__roles=["Compliance officer"],
        department=DepartmentFactory(name="Compliance", code="CMP"),
    )


@pytest.fixture
def administrator(db) -> StaffProfile:
    return StaffProfileFactory(
        user__username="alex",
        user__first_name="Alex",
        user__roles=["Administrator"],
        user__is_staff=True,
        department=DepartmentFactory(name="People and HR", code="HR"),
    )


@pytest.fixture
def outsider(db) -> StaffProfile:
    """Signed in, but holding no role at all."""
    return StaffProfileFactory(user__username="olga", user__first_name="Olga", department__code="EXT")


@pytest.fixture
def sign_in(client: Client):
    """Sign a staff member in on the test client, through the real login form."""

    def sign_in_as(profile: StaffProfile) -> Client:
        response = client.post("/accounts/login/", {"username": profile.user.username, "password": TEST_PASSWORD})
        assert response.status_code == 302, response.content.decode()[:2000]
        return client

    return sign_in_as


@pytest.fixture(autouse=True)
def fast_password_hashing(settings) -> None:
    # Real hashers take ~0.3 s per sign-in; what they protect is not under test here.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def static_files_without_manifest(settings) -> None:
    # Production serves hashed files listed in a manifest made by collectstatic;
    # tests render pages without running it first.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def english_unless_asked(settings):
    # A request in Romanian leaves Romanian active in the thread; start each test in English.
    with translation.override(settings.LANGUAGE_CODE):
        yield


@pytest.fixture
def document(manager):
    from people.tests.factories import CodeDocumentFactory

    return CodeDocumentFactory(title="Customer Service Code", slug="customer-service", owner=manager.user)


@pytest.fixture
def draft(document, manager):
    """Version 1 of the document, a draft by the manager with two sections."""
    from codes.tests.factories import DraftFactory, SectionFactory

    version = DraftFactory(document=document, number=1, author=manager.user)
    SectionFactory(version=version, position=1, title="Professionalism", body="Stay calm and courteous.")
    SectionFactory(version=version, position=2, title="Privacy", category="privacy", body="Verify identity first.")
    return version


@pytest.fixture
def published(draft, manager, second_manager):
    """Version 1, published to all staff by the manager after the second manager approved it."""
    from codes.tests.factories import publish

    return publish(draft, author=manager.user, approver=second_manager.user)
