"""A retired document is not offered for a new course; a course that already links one keeps it."""

from __future__ import annotations

import pytest

from codes import services as code_services
from training.forms import CourseForm
from training.tests.factories import CourseFactory

pytestmark = pytest.mark.django_db


def offered(form: CourseForm) -> set[int]:
    return {document.pk for document in form.fields["document"].queryset}


def test_a_retired_document_is_not_offered_for_a_new_course(published, manager) -> None:
    code_services.document_retire(document=published.document, actor=manager.user, reason="Merged")

    assert published.document_id not in offered(CourseForm())


def test_a_course_linking_a_retired_document_keeps_it(published, manager) -> None:
    course = CourseFactory(document=published.document)
    code_services.document_retire(document=published.document, actor=manager.user, reason="Merged")

    assert published.document_id in offered(CourseForm(instance=course))
