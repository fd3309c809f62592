"""The Celery application: configured from Django settings (CELERY_*), tasks
discovered in each installed app's tasks.py."""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "conduct_portal.settings")

app = Celery("conduct_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.task(name="conduct_portal.ping")
def ping() -> str:
    """Answer "pong": lets an operator (and the tests) prove a worker is consuming."""
    return "pong"
