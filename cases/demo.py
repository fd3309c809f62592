"""A demo breach case for `manage.py seed_demo`: the demo agent breached the privacy clause of the demo code today
(its first version took effect today), and was coached. Seeding again finds the case and changes nothing."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from codes.models import CodeDocument, SectionCategory
from people.models import StaffProfile

from .models import Case, Outcome
from .selectors import sections_in_force
from .services import case_open

DEMO_PERSON = "agent"
DESCRIPTION = "Read a customer's card number aloud in the open office while confirming a payment."
NOTE = "Talked through the privacy clause with the team leader; no further action."


@transaction.atomic
def seed_cases(*, document_slug: str, compliance_username: str = "compliance") -> int:
    """Record the demo case unless the demo person has one already; returns how many were recorded (0 or 1)."""
    person = StaffProfile.objects.filter(user__username=DEMO_PERSON).first()
    officer = get_user_model().objects.filter(username=compliance_username).first()
    document = CodeDocument.objects.filter(slug=document_slug).first()
    if person is None or officer is None or document is None or Case.objects.filter(person=person).exists():
        return 0
    today = timezone.localdate()
    clause = sections_in_force(document, on=today).filter(category=SectionCategory.PRIVACY).first()
    if clause is None:
        return 0
    case_open(
        person=person,
        occurred_on=today,
        section=clause,
        description=DESCRIPTION,
        actor=officer,
        outcome=Outcome.COACHING,
        outcome_note=NOTE,
    )
    return 1
