"""Two HR imports at the same moment: the second waits for the first and then plans against what it wrote."""

from __future__ import annotations

import pytest
from django.db import connection

from common.tests.concurrency import run_at_once
from people import services
from people.models import StaffProfile
from people.tests.factories import DepartmentFactory

pytestmark = [
    # serialized_rollback restores the roles made by data migrations, which a transactional test flushes.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="the import's lock is PostgreSQL's (SQLite locks the file)"
    ),
]

FILE = (
    b"employee_id,first_name,last_name,email,department_code,manager_employee_id,job_title,language,active\n"
    b"N1,Nadia,Radu,nadia@example.com,SUP,,Agent,en,true\n"
    b"N2,Petru,Lazar,petru@example.com,SUP,N1,Agent,ro,true\n"
)


def test_two_imports_of_the_same_joiners_at_once_hire_them_once_and_both_succeed() -> None:
    DepartmentFactory(name="Support", code="SUP")
    outcomes: list[str] = []

    def import_file() -> None:
        try:
            plan = services.people_import(content=FILE, actor=None)
            outcomes.append(f"hired {len(plan.created)}")
        except Exception as error:
            outcomes.append(f"failed: {type(error).__name__}")

    run_at_once([import_file, import_file])

    assert sorted(outcomes) == ["hired 0", "hired 2"]
    assert StaffProfile.objects.filter(employee_id__in=["N1", "N2"]).count() == 2
