"""The Administrator changes the reminder schedule in the admin, as the README says they can."""

from __future__ import annotations

from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django_celery_beat.models import PeriodicTask

from reminders.models import ReminderKind, ReminderLog

pytestmark = pytest.mark.django_db


@pytest.fixture
def daily_sweep() -> PeriodicTask:
    call_command("setup_reminder_schedule", stdout=StringIO())
    return PeriodicTask.objects.get(task="reminders.sweep")


def test_the_administrator_opens_the_daily_sweep_in_the_admin(sign_in, administrator, daily_sweep) -> None:
    client = sign_in(administrator)

    listing = client.get("/admin/django_celery_beat/periodictask/")
    page = client.get(f"/admin/django_celery_beat/periodictask/{daily_sweep.pk}/change/")

    assert listing.status_code == 200
    assert daily_sweep.name in listing.content.decode()
    assert page.status_code == 200
    assert 'name="_save"' in page.content.decode()


def test_the_administrator_moves_the_sweep_to_another_hour(sign_in, administrator, daily_sweep) -> None:
    crontab = daily_sweep.crontab
    client = sign_in(administrator)

    response = client.post(
        f"/admin/django_celery_beat/crontabschedule/{crontab.pk}/change/",
        {
            "minute": "30",
            "hour": "9",
            "day_of_week": "*",
            "day_of_month": "*",
            "month_of_year": "*",
            "timezone": crontab.timezone,
            # The tasks on this schedule, listed inline, are left as they are.
            "periodictask_set-TOTAL_FORMS": "0",
            "periodictask_set-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 302, response.content.decode()[-3000:]
    crontab.refresh_from_db()
    assert (crontab.minute, crontab.hour) == ("30", "9")


def test_a_manager_cannot_change_the_schedule(sign_in, manager, daily_sweep) -> None:
    client = sign_in(manager)

    response = client.get(f"/admin/django_celery_beat/periodictask/{daily_sweep.pk}/change/")
    refused = client.post(
        f"/admin/django_celery_beat/crontabschedule/{daily_sweep.crontab.pk}/change/",
        {"minute": "30", "hour": "9", "day_of_week": "*", "day_of_month": "*", "month_of_year": "*"},
    )

    assert response.status_code in {302, 403}  # not staff: sent to the admin's sign-in
    assert response.status_code == 403 or response["Location"].startswith("/admin/login/")
    assert 'name="_save"' not in response.content.decode()
    assert refused.status_code in {302, 403}
    daily_sweep.crontab.refresh_from_db()
    assert daily_sweep.crontab.hour == str(settings.REMINDERS["sweep_hour"])


def test_the_reminder_log_in_the_admin_says_each_stage_in_words(sign_in, administrator, agent) -> None:
    ReminderLog.objects.create(
        kind=ReminderKind.ACKNOWLEDGEMENT, object_id=1, recipient=agent.user, stage="before-7", status="sent"
    )
    client = sign_in(administrator)

    page = client.get("/admin/reminders/reminderlog/").content.decode()

    assert "7 days before the due date" in page
    assert ">before-7<" not in page
