from __future__ import annotations

import pytest

from conduct_portal.celery import app


@pytest.fixture
def tasks_run_at_once():
    """The tasks that others enqueue run at once in the caller's thread, as a worker would run them."""
    app.conf.task_always_eager, app.conf.task_eager_propagates = True, True
    yield
    app.conf.task_always_eager, app.conf.task_eager_propagates = False, False
