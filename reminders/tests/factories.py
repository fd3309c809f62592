from __future__ import annotations

import factory

from people.tests.factories import UserFactory
from reminders.models import Notification


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notification

    recipient = factory.SubFactory(UserFactory)
    message = factory.Sequence(lambda n: f"Please acknowledge “Customer Service Code” ({n})")
    url = "/acknowledgements/"
