"""The HR import: reading and checking a file, what it would change, and applying it (people.services.people_import)."""

from __future__ import annotations

import pytest

from audit.models import AuditEvent
from people import services
from people.hr_import.planning import import_plan
from people.models import StaffProfile, UserSession
from people.tests.factories import DepartmentFactory, StaffProfileFactory

pytestmark = pytest.mark.django_db

HEADER = "employee_id,first_name,last_name,email,department_code,manager_employee_id,job_title,language,active\n"


def csv(*rows: str, header: str = HEADER) -> bytes:
    return (header + "".join(f"{row}\n" for row in rows)).encode()


@pytest.fixture
def sales(db):
    return DepartmentFactory(name="Sales", code="SAL")


@pytest.fixture
def staff(support, sales, manager, agent) -> dict[str, StaffProfile]:
    """Maria (a manager in Support) and Ana (her agent), as HR knows them."""
    manager.employee_id, agent.employee_id = "M1", "A1"
    manager.save()
    agent.save()
    return {"M1": manager, "A1": agent}


def file_of_the_staff(*extra: str) -> bytes:
    return csv(
        "M1,Maria,Pop,maria@example.com,SUP,,Team lead,en,true",
        "A1,Ana,Ionescu,ana@example.com,SUP,M1,Support agent,en,true",
        *extra,
    )


def bring_in_line(staff: dict[str, StaffProfile]) -> None:
    """Make the stored records say what `file_of_the_staff` says, so that only the extra rows change anything."""
    services.people_import(content=file_of_the_staff(), actor=None)


def problems(content: bytes) -> list[str]:
    return [str(problem) for problem in import_plan(content, actor=None).problems]


def test_a_new_file_hires_everyone_with_their_managers(support, sales) -> None:
    content = csv(
        "E3,Ion,Dumitru,ion@example.com,SAL,E2,Agent,ro,true",
        "E1,Elena,Marin,elena@example.com,SUP,,Director,,true",
        "E2,Dan,Stan,dan@example.com;x,SUP,E1,Lead,en,yes".replace(";x", ""),
    )

    plan = services.people_import(content=content, actor=None)

    assert plan.counts() == {
        "rows": 3,
        "created": 3,
        "changed": 0,
        "moved": 0,
        "deactivated": 0,
        "reactivated": 0,
        "unchanged": 0,
    }
    ion = StaffProfile.objects.select_related("user", "manager__manager", "department").get(employee_id="E3")
    assert (ion.user.username, ion.user.email, ion.user.get_full_name()) == (
        "ion@example.com",
        "ion@example.com",
        "Ion Dumitru",
    )
    assert (ion.department, ion.manager.employee_id, ion.manager.manager.employee_id) == (sales, "E2", "E1")
    assert (ion.job_title, ion.preferred_language, ion.user.is_active) == ("Agent", "ro", True)
    assert not ion.user.has_usable_password()
    assert StaffProfile.objects.get(employee_id="E1").preferred_language == "en", "an empty language is the default"


def test_the_same_file_twice_changes_nothing_the_second_time(staff, sales) -> None:
    content = file_of_the_staff(
        "N1,Nora,Nistor,nora@example.com,SAL,M1,Agent,ro,true",
        "N2,Olga,Oprea,olga@example.com,SAL,N1,Agent,en,false",
    )
    services.people_import(content=content, actor=None)
    snapshot = list(
        StaffProfile.objects.values_list(
            "employee_id", "department", "manager", "job_title", "user__email", "user__is_active"
        )
    )
    events = AuditEvent.objects.count()

    again = services.people_import(content=content, actor=None)

    assert again.counts()["unchanged"] == 4
    assert sum(again.counts().values()) - again.rows - again.unchanged == 0
    assert (
        list(
            StaffProfile.objects.values_list(
                "employee_id", "department", "manager", "job_title", "user__email", "user__is_active"
            )
        )
        == snapshot
    )
    assert list(AuditEvent.objects.values_list("action", flat=True)[: AuditEvent.objects.count() - events]) == [
        "people.staff.import"
    ], "only the import itself is recorded"


def test_the_preview_counts_and_lists_every_kind_of_change(staff, sales) -> None:
    bring_in_line(staff)
    leaver = StaffProfileFactory(
        employee_id="L1", user__username="lea", user__email="lea@example.com", department=staff["M1"].department
    )
    returner = StaffProfileFactory(
        employee_id="R1",
        user__username="rob",
        user__email="rob@example.com",
        user__is_active=False,
        department=staff["M1"].department,
    )
    content = csv(
        "M1,Maria,Pop,maria@example.com,SUP,,Head of support,en,true",  # changed
        "A1,Ana,Ionescu,ana@example.com,SAL,M1,Support agent,en,true",  # moved
        "L1,Lea,Lungu,lea@example.com,SUP,,,en,false",  # deactivated (and changed: her names)
        f"R1,{returner.user.first_name},{returner.user.last_name},rob@example.com,SUP,,Support agent,en,true",  # back
        "N1,Nora,Nistor,nora@example.com,SAL,A1,Agent,ro,true",  # new
    )

    plan = import_plan(content, actor=None)

    assert not plan.problems
    assert plan.counts() == {
        "rows": 5,
        "created": 1,
        "changed": 2,
        "moved": 1,
        "deactivated": 1,
        "reactivated": 1,
        "unchanged": 0,
    }
    assert [(e.line, e.employee_id) for e in plan.entries["created"]] == [(6, "N1")]
    assert plan.entries["moved"][0].description == "Support, manager: Maria Pop (M1) → Sales, manager: Maria Pop (M1)"
    assert plan.entries["changed"][0].description == "job_title"
    assert [e.employee_id for e in plan.entries["deactivated"]] == ["L1"]
    assert [e.employee_id for e in plan.entries["reactivated"]] == ["R1"]
    assert StaffProfile.objects.get(pk=staff["A1"].pk).department.code == "SUP", "a preview saves nothing"
    assert leaver.user.is_active


def test_applying_writes_each_change_audits_it_and_ends_a_leavers_sessions(
    staff, sales, announced, django_capture_on_commit_callbacks
) -> None:
    bring_in_line(staff)
    leaver = StaffProfileFactory(
        employee_id="L1",
        user__username="lea",
        user__email="lea@example.com",
        user__first_name="Lea",
        user__last_name="Lungu",
        department=staff["M1"].department,
        job_title="",
    )
    UserSession.objects.create(session_key="x" * 40, session_data="", expire_date="2099-01-01T00:00Z", user=leaver.user)
    announced.clear()
    content = csv(
        "M1,Maria,Pop,maria.pop@example.com,SUP,,Team lead,ro,true",
        "A1,Ana,Ionescu,ana@example.com,SAL,M1,Support agent,en,true",
        "L1,Lea,Lungu,lea@example.com,SUP,,,en,false",
        "N1,Nora,Nistor,nora@example.com,SAL,A1,Agent,ro,true",
    )

    with django_capture_on_commit_callbacks(execute=True):
        services.people_import(content=content, actor=None)

    maria = StaffProfile.objects.select_related("user").get(employee_id="M1")
    assert (maria.user.email, maria.preferred_language) == ("maria.pop@example.com", "ro")
    assert StaffProfile.objects.get(employee_id="A1").department == sales
    leaver.user.refresh_from_db()
    assert not leaver.user.is_active
    assert not UserSession.objects.filter(user=leaver.user).exists()
    newcomer = StaffProfile.objects.get(employee_id="N1")
    events = {(e.action, e.object_repr): e.details for e in AuditEvent.objects.exclude(action="people.staff.import")}
    assert events[("people.person.hire", "Nora Nistor (N1)")] == {"department": "Sales", "manager": "Ana Ionescu (A1)"}
    assert events[("people.person.move", "Ana Ionescu (A1)")] == {"department": ["Support", "Sales"]}
    assert ("people.person.deactivate", "lea") in events
    summary = AuditEvent.objects.filter(action="people.staff.import").latest("id").details
    assert (summary["created"], summary["changed"], summary["moved"], summary["deactivated"]) == (1, 1, 1, 1)
    assert sorted(person_id for person_id, _actor in announced) == sorted([newcomer.pk, staff["A1"].pk, leaver.pk]), (
        "joiners, movers to another department and leavers; not a change of email"
    )


def test_people_missing_from_the_file_are_left_as_they_are(staff) -> None:
    services.people_import(content=csv("M1,Maria,Pop,maria@example.com,SUP,,Team lead,en,true"), actor=None)

    staff["A1"].user.refresh_from_db()
    assert staff["A1"].user.is_active


def test_a_bad_file_is_refused_line_by_line_and_nothing_is_saved(staff, sales) -> None:
    content = (
        "\ufeffemployee_id;first_name;last_name;email;department_code;manager_employee_id;job_title;language;active\n"
        "N1;Nora;Nistor;nora@example.com;SAL;;Agent;ro;true\n"  # 2: fine, but the file is refused
        "N2;Olga;Oprea;olga@example.com;XYZ;;Agent;en;true\n"  # 3: unknown department
        "N3;Petru;Pavel;petru@example.com;SAL;Z9;Agent;en;true\n"  # 4: unknown manager
        "N1;Nora;Again;nora2@example.com;SAL;;Agent;en;true\n"  # 5: duplicate employee id
        "N4;Radu;Rus;not-an-email;SAL;;Agent;en;true\n"  # 6: bad email
        "N5;Sara;Stan;nora@example.com;SAL;;Agent;en;true\n"  # 7: email twice in the file
        "N6;Tudor;Toma;ana@example.com;SAL;;Agent;en;true\n"  # 8: Ana's email
        "N7;Uma;Ursu;uma@example.com;SAL;;Agent;fr;true\n"  # 9: unknown language
        "N8;Vlad;Voicu;vlad@example.com;;;Agent;en;maybe\n"  # 10: no department, bad active
        "C1;Cara;Cazan;cara@example.com;SAL;C2;Agent;en;true\n"  # 11: cycle C1 → C2 → C1
        "C2;Dora;Dinu;dora@example.com;SAL;C1;Agent;en;true\n"  # 12
        "M1;Maria;Pop;maria@example.com;SUP;A1;Team lead;en;true\n"  # 13: Maria under her own agent
        ";;;;;;;;\n"  # blank: skipped
    ).encode()

    with pytest.raises(services.ImportRefused) as refused:
        services.people_import(content=content, actor=None)

    assert refused.value.message == "11 lines of the file are refused; nothing was saved."
    assert [str(problem) for problem in refused.value.plan.problems] == [
        "line 3: unknown department XYZ.",
        "line 4: manager Z9 is neither in the file nor on the staff.",
        "line 5: employee id N1 is also on line 2.",
        "line 6: not-an-email is not an email address.",
        "line 7: email nora@example.com is also on line 2.",
        "line 8: email ana@example.com belongs to another account.",
        "line 9: unknown language fr (use one of en, ro).",
        "line 10: missing department_code.",
        "line 10: active must be true or false, not maybe.",
        "line 11: manager cycle: C1 → C2 → C1.",
        "line 12: manager cycle: C1 → C2 → C1.",
        "line 13: manager cycle: M1 → A1 → M1.",
    ]
    assert not StaffProfile.objects.filter(employee_id__startswith="N").exists()
    assert not AuditEvent.objects.exists()


def test_a_manager_of_themselves_is_a_cycle(support) -> None:
    assert problems(csv("E1,Eva,Enache,eva@example.com,SUP,E1,,,")) == ["line 2: manager cycle: E1 → E1."]


def test_a_missing_name_or_column_is_refused(support) -> None:
    assert problems(csv("E1,,,eva@example.com,SUP,,,,")) == ["line 2: missing first_name/last_name."]
    assert problems(b"employee_id,email\nE1,eva@example.com\n") == [
        "line 1: the header row must name the columns employee_id, first_name, last_name, email, department_code, "
        "manager_employee_id, job_title, language, active; missing: first_name, last_name, department_code."
    ]


def test_a_file_not_in_utf8_is_refused(support) -> None:
    content = csv("E1,Ştefan,Ene,stefan@example.com,SUP,,,,").decode().encode("cp1250")

    assert problems(content) == ["line 1: the file is not UTF-8 text: save it as “CSV UTF-8” and upload it again."]


def test_a_quoted_cell_over_two_lines_keeps_the_line_numbers_right(support) -> None:
    content = csv('E1,Eva,Enache,eva@example.com,SUP,,"Head of\nsupport",,', "E2,Emil,Enescu,bad,SUP,,,,")

    assert problems(content) == ["line 4: bad is not an email address."]


def test_an_actor_needs_the_right_to_import(staff, compliance_officer) -> None:
    with pytest.raises(services.rights.AccountChangeRefused):
        services.people_import(content=file_of_the_staff(), actor=compliance_officer.user)


def test_an_actor_may_not_change_an_account_people_rights_protect(staff, superuser) -> None:
    from django.contrib.auth.models import Group, Permission

    importer = StaffProfileFactory(user__username="ivo", user__roles=["Administrator"]).user
    assert importer.has_perm("people.import_staff")
    staff["M1"].user.groups.add(Group.objects.get(name="Administrator"))
    content = csv("M1,Maria,Pop,maria.new@example.com,SUP,,Team lead,en,true")

    with pytest.raises(services.ImportRefused) as refused:
        services.people_import(content=content, actor=importer)

    assert [str(p) for p in refused.value.plan.problems] == [
        "line 2: Only a superuser may change the account of a superuser, a staff member or an administrator."
    ]
    assert Permission.objects.filter(codename="import_staff").exists()


@pytest.mark.parametrize("rows", [1, 25])
def test_checking_a_file_costs_three_queries_whatever_its_size(staff, rows, django_assert_num_queries) -> None:
    content = csv(*(f"N{n},Nora,Nistor,nora{n}@example.com,SUP,M1,Agent,ro,true" for n in range(rows)))

    # The departments, the staff records with their accounts, and every account's username and email.
    with django_assert_num_queries(3):
        plan = import_plan(content, actor=None)

    assert plan.counts()["created"] == rows
