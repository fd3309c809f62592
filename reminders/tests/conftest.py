from __future__ import annotations

import pytest

from reminders import tasks


@pytest.fixture
def tasks_run_at_once():
    """The tasks that others enqueue run at once in the caller's thread, as a worker would run them."""
    # The app the tasks are bound to (the project's, which this layer does not import).
    conf = tasks.deliver.app.conf
    conf.task_always_eager, conf.task_eager_propagates = True, True
    yield
    conf.task_always_eager, conf.task_eager_propagates = False, False
