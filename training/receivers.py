"""How training reacts to people: a new joiner, or someone who moved department, is assigned what applies."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from people.models import StaffProfile

from . import services


@receiver(post_save, sender=StaffProfile, dispatch_uid="training.assign_a_joiner")
def assign_a_joiner(sender: Any, instance: StaffProfile, **kwargs: Any) -> None:
    transaction.on_commit(lambda: services.assignments_create_for_person(person=instance))
