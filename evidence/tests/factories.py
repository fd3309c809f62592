from __future__ import annotations

import datetime

import factory

from evidence.models import EvidencePack
from people.tests.factories import UserFactory


class EvidencePackFactory(factory.django.DjangoModelFactory):
    """A pack waiting to be built (the build itself runs through the service, see conftest.build_pack)."""

    class Meta:
        model = EvidencePack

    requested_by = factory.SubFactory(UserFactory)
    period_start = datetime.date(2026, 1, 1)
    period_end = datetime.date(2026, 3, 31)
