from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django_celery_beat.models import PeriodicTask

from privacy.models import Pseudonymisation
from privacy.tasks import pseudonymise_leavers

pytestmark = pytest.mark.django_db


def test_the_daily_task_pseudonymises_the_leavers_due(leaver, days_later) -> None:
    with days_later(400):
        result = pseudonymise_leavers.apply().get()

    assert result == {"pseudonymised": 1, "held": 0}
    assert Pseudonymisation.objects.filter(person=leaver).exists()


def test_the_schedule_command_seeds_the_daily_pseudonymisation_at_the_configured_hour(settings) -> None:
    settings.RETENTION_SWEEP_HOUR = 4
    out = StringIO()

    call_command("setup_reminder_schedule", stdout=out)

    task = PeriodicTask.objects.get(task="privacy.pseudonymise_leavers")
    assert (task.crontab.hour, str(task.crontab.timezone)) == ("4", settings.TIME_ZONE)
    assert "Pseudonymisation of leavers past retention: created" in out.getvalue()
