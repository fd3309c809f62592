"""`manage.py import_people FILE [--dry-run] [--actor USERNAME]`."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from people.models import StaffProfile
from people.tests.factories import DepartmentFactory

pytestmark = pytest.mark.django_db

HEADER = "employee_id;first_name;last_name;email;department_code;manager_employee_id;job_title;language;active\n"


@pytest.fixture
def hr_file(tmp_path: Path, support) -> Path:
    DepartmentFactory(name="Sales", code="SAL")
    path = tmp_path / "staff.csv"
    path.write_bytes(
        (
            "\ufeff" + HEADER + "E1;Elena;Marin;elena@example.com;SUP;;Director;;true\n"
            "E2;Dan;Stan;dan@example.com;SAL;E1;Lead;ro;true\n"
        ).encode()
    )
    return path


def run(*args: str) -> str:
    out = StringIO()
    call_command("import_people", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_a_dry_run_shows_the_changes_and_saves_nothing(hr_file: Path) -> None:
    output = run(str(hr_file), "--dry-run")

    assert "created (2):\n  line 2: Elena Marin (E1): Support, manager: —\n" in output
    assert output.splitlines()[-1] == (
        "Dry run of staff.csv (2 rows): would be created 2, changed 0, moved 0, deactivated 0, reactivated 0, "
        "unchanged 0; nothing saved."
    )
    assert not StaffProfile.objects.exists()


def test_it_imports_and_says_so_then_a_second_run_changes_nothing(hr_file: Path) -> None:
    first = run(str(hr_file))
    second = run(str(hr_file))

    assert first.splitlines()[-1] == (
        "Imported staff.csv (2 rows): created 2, changed 0, moved 0, deactivated 0, reactivated 0, unchanged 0."
    )
    assert second.splitlines()[-1] == (
        "Imported staff.csv (2 rows): created 0, changed 0, moved 0, deactivated 0, reactivated 0, unchanged 2."
    )
    assert StaffProfile.objects.get(employee_id="E2").manager == StaffProfile.objects.get(employee_id="E1")


def test_a_bad_file_is_refused_with_its_lines_and_nothing_is_saved(tmp_path: Path, support) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes((HEADER + "E1;Elena;Marin;elena@example.com;SUP;;;;true\nE2;Dan;Stan;nope;XYZ;;;;\n").encode())
    errors = StringIO()

    with pytest.raises(CommandError, match=r"^bad.csv: 1 line of the file is refused; nothing was saved.$"):
        call_command("import_people", str(path), stdout=StringIO(), stderr=errors)

    assert errors.getvalue().splitlines() == [
        "line 3: nope is not an email address.",
        "line 3: unknown department XYZ.",
    ]
    assert not StaffProfile.objects.exists()


def test_the_actor_is_checked_and_recorded(hr_file: Path, administrator, agent) -> None:
    with pytest.raises(CommandError, match=r"Your roles do not allow this action\."):
        run(str(hr_file), "--actor", agent.user.username)
    with pytest.raises(CommandError, match=r"No active account is named 'nobody'\."):
        run(str(hr_file), "--actor", "nobody")

    run(str(hr_file), "--actor", administrator.user.username)

    assert StaffProfile.objects.filter(employee_id__in=["E1", "E2"]).count() == 2


def test_an_unreadable_file_is_a_command_error(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="Cannot read"):
        run(str(tmp_path / "missing.csv"))
