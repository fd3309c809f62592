"""Tasks of every kind for a manager, made straight in the database: `rows` of each."""

from __future__ import annotations

import datetime

from django.contrib.auth.models import Permission
from django.utils import timezone

from acknowledgements.models import AcknowledgementRequest
from cases.models import Case
from codes.models import CodeVersion, TranslationContribution, TranslationStatus, VersionStatus, VersionTranslation
from codes.tests.factories import DraftFactory, SectionFactory
from people.models import StaffProfile
from questions.models import Question
from training.tests.factories import AssignmentFactory, EnrolmentFactory, SessionFactory


def give_tasks(manager: StaffProfile, *, author: StaffProfile, report: StaffProfile, rows: int) -> None:
    """For `manager`: versions by `author` to review and to publish, translations by `author` to review, codes to
    sign, training to complete, sessions to record (their `report` attended), the report's overdue
    acknowledgements and training, the campaigns with people overdue, the report's questions to answer and breach
    cases to decide (the manager is given the rights to run campaigns, which act on everyone and so need seeing
    everyone too, to answer questions and to see and decide cases, so that every kind is theirs)."""
    manager.user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="acknowledgements",
            codename__in=["manage_campaigns", "view_all_acknowledgements"],
        ),
        Permission.objects.get(content_type__app_label="questions", codename="answer_question"),
        *Permission.objects.filter(content_type__app_label="cases", codename__in=["view_case", "change_case"]),
    )
    now, today = timezone.now(), timezone.localdate()
    yesterday = today - datetime.timedelta(days=1)
    for _ in range(rows):
        DraftFactory(author=author.user, status=VersionStatus.IN_REVIEW, submitted_at=now)
        DraftFactory(author=author.user, status=VersionStatus.APPROVED, approved_at=now)
        published = DraftFactory(author=author.user)
        section = SectionFactory(version=published)
        CodeVersion.objects.filter(pk=published.pk).update(status=VersionStatus.PUBLISHED, published_at=now)
        Question.objects.create(asker=report.user, version=published, section=section, text="Why?")
        Case.objects.create(person=report, occurred_on=today, section=section, description="?", recorded_by=author.user)
        translation = VersionTranslation.objects.create(
            version=published,
            language="ro",
            title=published.title,
            status=TranslationStatus.IN_REVIEW,
            started_by=author.user,
            submitted_at=now,
        )
        TranslationContribution.objects.create(translation=translation, person=author.user, first_at=now, last_at=now)
        AcknowledgementRequest.objects.create(person=manager, version=published, due_date=today)
        AcknowledgementRequest.objects.create(person=report, version=published, due_date=yesterday)
        AssignmentFactory(person=manager)
        AssignmentFactory(person=report, due_date=yesterday)
        started = now - datetime.timedelta(days=2)
        past = SessionFactory(starts_at=started, ends_at=started + datetime.timedelta(hours=2))
        EnrolmentFactory(session=past, person=report)
