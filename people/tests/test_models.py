from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from people.tests.factories import DepartmentFactory, StaffProfileFactory


def test_the_database_refuses_a_department_that_is_its_own_parent(db) -> None:
    department = DepartmentFactory()
    department.parent = department

    with pytest.raises(IntegrityError):
        department.save()


def test_a_department_cycle_is_refused_with_a_clear_message(db) -> None:
    operations = DepartmentFactory()
    support = DepartmentFactory(parent=operations)
    operations.parent = support

    with pytest.raises(ValidationError, match="cannot sit under itself"):
        operations.full_clean()


def test_a_reporting_cycle_is_refused_with_a_clear_message(db) -> None:
    boss = StaffProfileFactory()
    deputy = StaffProfileFactory(manager=boss)
    boss.manager = deputy

    with pytest.raises(ValidationError, match="cannot report to themselves"):
        boss.full_clean()


def test_a_department_code_must_be_short_capitals(db) -> None:
    with pytest.raises(ValidationError, match="capital letters"):
        DepartmentFactory.build(code="sup port").full_clean()
