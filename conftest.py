"""The cast shared by every test: one person per role, and an outsider with none."""

from __future__ import annotations

import datetime
import sys
from collections.abc import Iterator
from io import StringIO
from pathlib import Path

import pytest
import time_machine
from django.conf import settings as django_settings
from django.core.management import call_command
from django.test import Client
from django.utils import translation

from common.tests.once_per_module import FAST_PASSWORD_HASHERS, made_once_for_the_module
from people.models import StaffProfile
from people.services import person_deactivate
from people.tests.factories import TEST_PASSWORD, DepartmentFactory, StaffProfileFactory


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--clock",
        metavar="MOMENT",
        help="run the whole suite with the clock set to MOMENT (ISO 8601 with its offset, e.g. 2026-12-02T23:30:00Z "
        "or 2026-12-03T00:30:00+02:00), ticking on from there; worker processes the tests start share it. "
        "Proves that no test depends on the hour, or on the machine's date differing from the organisation's.",
    )


def pytest_configure(config: pytest.Config) -> None:
    moment = config.getoption("--clock")
    if not moment:
        return
    try:
        start = datetime.datetime.fromisoformat(moment)
    except ValueError:
        raise pytest.UsageError(f"--clock={moment}: not an ISO 8601 moment such as 2026-12-02T23:30:00Z") from None
    if start.tzinfo is None:
        raise pytest.UsageError(f"--clock={moment}: give the offset too (Z, +02:00, …), or the hour is ambiguous")
    # time-machine moves the wall clock only (time.monotonic and sleeping are untouched, unlike
    # libfaketime), and tests that travel themselves nest inside it.
    traveller = time_machine.travel(start, tick=True)
    traveller.start()
    config.add_cleanup(traveller.stop)
    config.stash[CLOCK] = start


CLOCK = pytest.StashKey[datetime.datetime]()


def _django_order(item: pytest.Item) -> int:
    """Django's order of tests, as pytest-django computes it: database tests, then transactional ones, then the rest."""
    marker = item.get_closest_marker("django_db")
    fixtures = getattr(item, "fixturenames", ())
    transactional = "transactional_db" in fixtures or "live_server" in fixtures
    if marker is not None:
        transactional = transactional or bool(marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences"))
    if transactional:
        return 1
    return 0 if marker is not None or "db" in fixtures else 2


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # pytest-django puts the transactional tests after the others, but pytest then groups tests by their
    # parametrised session fixtures (the browser of the Playwright tests), which moved database tests
    # behind transactional ones. A transactional test leaves the database empty, without the roles the
    # data migrations made, so the tests behind it failed. Django's order is restored last (a stable
    # sort: pytest's grouping holds within each part).
    items.sort(key=_django_order)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker) -> None:
    """Mark the test database as one, so that its tables may be emptied between tests (audit/guards.py)."""
    from django.db import connection

    from audit.guards import TEST_DATABASE_COMMENT

    with django_db_blocker.unblock():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    f"COMMENT ON DATABASE {connection.ops.quote_name(connection.settings_dict['NAME'])} IS %s",
                    [TEST_DATABASE_COMMENT],
                )


def pytest_report_header(config: pytest.Config) -> list[str]:
    database = django_settings.DATABASES["default"]
    where = database["HOST"] or database["NAME"]
    broker = django_settings.CELERY_BROKER_URL.split("://")[0]
    lines = [f"database: {database['ENGINE'].rsplit('.', 1)[-1]} at {where}; celery broker: {broker}"]
    if CLOCK in config.stash:
        lines.append(f"clock: started at {config.stash[CLOCK].isoformat()} (--clock)")
    return lines


def _on_the_suites_clock(config: pytest.Config, run: str, direct: list[str], args: tuple[str, ...]) -> list[str]:
    """`direct` + `args` when the clock is the machine's; under --clock, the same `run` statement in a
    process that starts at this process's current moment (time-machine's clock does not cross process
    boundaries by itself), so that the new process and the test agree on the date."""
    if CLOCK not in config.stash:
        return [*direct, *args]
    now = datetime.datetime.now(datetime.UTC).isoformat()
    return [sys.executable, "-c", f"import time_machine; time_machine.travel({now!r}, tick=True).start(); {run}", *args]


@pytest.fixture
def python_module_command(pytestconfig: pytest.Config):
    """The command line that runs `python -m <module> <args>` in a new process, on the suite's clock."""

    def command(module: str, *args: str) -> list[str]:
        run = f"import runpy; runpy.run_module({module!r}, run_name='__main__', alter_sys=True)"
        return _on_the_suites_clock(pytestconfig, run, [sys.executable, "-m", module], args)

    return command


@pytest.fixture
def python_script_command(pytestconfig: pytest.Config):
    """The command line that runs `python <script> <args>` in a new process, on the suite's clock (the
    script's folder first on sys.path, as Python puts it for a script)."""

    def command(script: Path, *args: str) -> list[str]:
        run = (
            f"import runpy, sys; sys.path.insert(0, {str(script.parent)!r}); "
            f"runpy.run_path({str(script)!r}, run_name='__main__')"
        )
        return _on_the_suites_clock(pytestconfig, run, [sys.executable, str(script)], args)

    return command


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
def leaver(support, manager) -> StaffProfile:
    """Zenobia Quillfeather, who left today: her name, email and employee id are found nowhere else (privacy's
    tests look for them after her pseudonymisation)."""
    person = StaffProfileFactory(
        user__username="zenobia.quillfeather",
        user__first_name="Zenobia",
        user__last_name="Quillfeather",
        user__email="zenobia.quillfeather@example.com",
        employee_id="HR-7731-ZQ",
        job_title="Senior escalations agent",
        department=support,
        manager=manager,
    )
    person_deactivate(user=person.user, actor=None)
    return person


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
    settings.PASSWORD_HASHERS = FAST_PASSWORD_HASHERS


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
    from codes.tests.factories import CodeDocumentFactory

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


@pytest.fixture
def tasks_run_at_once():
    """The tasks that others enqueue run at once in the caller's thread, as a worker would run them (in a
    browser test, in the live server's thread)."""
    from reminders import tasks

    # The app the tasks are bound to (the project's, which the reminders layer does not import).
    conf = tasks.deliver.app.conf
    conf.task_always_eager, conf.task_eager_propagates = True, True
    yield
    conf.task_always_eager, conf.task_eager_propagates = False, False


@pytest.fixture(scope="module")
def demo_organisation(django_db_setup, django_db_blocker) -> Iterator[None]:
    """`manage.py seed_demo`'s organisation, seeded once for the module's tests (seeding takes seconds: once per
    test, it cost more than some apps' whole suites). Only for modules whose every test works on the demo."""
    yield from made_once_for_the_module(
        django_db_blocker, lambda: call_command("seed_demo", force=True, stdout=StringIO())
    )
