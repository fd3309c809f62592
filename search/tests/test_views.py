from __future__ import annotations

import pytest
from django.urls import reverse

from codes.search import full_text_search
from codes.tests.factories import DraftFactory, SectionFactory, publish
from people.tests.factories import DepartmentFactory, StaffProfileFactory

pytestmark = pytest.mark.django_db

SEARCH = reverse("search:results")
PEOPLE = reverse("search:people")


def published_with(sections: list[tuple[str, str]], *, manager, second_manager, departments=()):
    """A new document's version 1 with these (title, body) sections, published."""
    version = DraftFactory(author=manager.user)
    for position, (title, body) in enumerate(sections, start=1):
        SectionFactory(version=version, position=position, title=title, body=body)
    return publish(version, author=manager.user, approver=second_manager.user, departments=departments)


@pytest.fixture
def loyalty_code(manager, second_manager):
    return published_with(
        [("Loyalty", "We serve our customers with loyalty."), ("Gifts", "Gifts above 50 lei are declared.")],
        manager=manager,
        second_manager=second_manager,
    )


def test_it_finds_a_word_in_a_section_of_a_published_version(sign_in, agent, loyalty_code):
    response = sign_in(agent).get(SEARCH, {"q": "customer"})

    assert response.status_code == 200
    hits = response.context["section_hits"]
    assert [hit.item.title for hit in hits] == ["Loyalty"]
    assert "<mark>customer" in hits[0].text_html


@pytest.mark.skipif(not full_text_search(), reason="SQLite matches substrings; stemming is PostgreSQL's")
def test_it_finds_an_inflected_romanian_word_by_its_stem_for_a_romanian_reader(sign_in, agent, manager, second_manager):
    published_with(
        [("Integritate", "Lucrăm cu integritate și respect.")], manager=manager, second_manager=second_manager
    )
    agent.preferred_language = "ro"
    agent.save()

    response = sign_in(agent).get(SEARCH, {"q": "integritatea"})

    assert [hit.item.title for hit in response.context["section_hits"]] == ["Integritate"]


def test_it_finds_a_version_by_its_documents_title(sign_in, agent, loyalty_code):
    response = sign_in(agent).get(SEARCH, {"q": loyalty_code.document.title})

    assert [hit.item for hit in response.context["version_hits"]] == [loyalty_code]


def test_it_does_not_show_drafts_to_an_agent(sign_in, agent, draft):
    response = sign_in(agent).get(SEARCH, {"q": "courteous"})

    assert response.context["section_hits"] == []
    assert b'data-testid="no-results"' in response.content


def test_it_shows_drafts_to_those_who_may_see_them(sign_in, second_manager, draft):
    response = sign_in(second_manager).get(SEARCH, {"q": "courteous"})

    assert [hit.item.title for hit in response.context["section_hits"]] == ["Professionalism"]


def test_it_does_not_show_a_version_published_to_another_department(sign_in, agent, manager, second_manager):
    sales = DepartmentFactory(name="Sales", code="SAL")
    published_with(
        [("Quotas", "Targets never excuse pressure.")],
        manager=manager,
        second_manager=second_manager,
        departments=[sales],
    )

    response = sign_in(agent).get(SEARCH, {"q": "targets"})

    assert response.context["section_hits"] == []


def test_it_escapes_markup_typed_into_a_section_and_marks_only_the_match(sign_in, agent, manager, second_manager):
    published_with(
        [("Scripts", "Never paste <script>alert('x')</script> into a loyalty <img src=x onerror=alert(1)> form.")],
        manager=manager,
        second_manager=second_manager,
    )

    response = sign_in(agent).get(SEARCH, {"q": "loyalty"})

    content = response.content.decode()
    # PostgreSQL's headline drops what its parser takes for tags, but not every tag: the rest is escaped.
    assert "<script>alert" not in content
    assert "<img src=x" not in content
    assert "&lt;img src=x onerror=alert(1)&gt;" in content
    assert "<mark>loyalty</mark>" in content


def test_it_pages_the_sections(sign_in, second_manager, manager):
    version = DraftFactory(author=manager.user)
    SectionFactory.create_batch(30, version=version, body="Be courteous.")

    client = sign_in(second_manager)
    first, second = client.get(SEARCH, {"q": "courteous"}), client.get(SEARCH, {"q": "courteous", "page": 2})

    assert (len(first.context["section_hits"]), len(second.context["section_hits"])) == (25, 5)
    assert "?q=courteous&amp;page=2" in first.content.decode()


def test_it_pages_the_versions_apart_from_the_sections(sign_in, second_manager, manager):
    DraftFactory.create_batch(27, author=manager.user, title="Anti-bribery rules")

    response = sign_in(second_manager).get(SEARCH, {"q": "bribery", "versions_page": 2})

    assert len(response.context["version_hits"]) == 2
    assert "?q=bribery&amp;versions_page=1" in response.content.decode()


@pytest.mark.parametrize("sections", [1, 21])
def test_its_queries_do_not_grow_with_the_results(
    sign_in, second_manager, manager, sections, django_assert_num_queries
):
    version = DraftFactory(author=manager.user)
    SectionFactory.create_batch(sections, version=version, body="Be courteous.")
    client = sign_in(second_manager)

    # Session, user, the user's and their roles' permissions, the unread notifications, my tasks (the base page);
    # sections: count and page; versions: count (none match, so no page).
    with django_assert_num_queries(8):
        response = client.get(SEARCH, {"q": "courteous"})

    assert len(response.context["section_hits"]) == sections


def test_it_asks_for_words_when_the_query_is_empty(sign_in, agent):
    response = sign_in(agent).get(SEARCH, {"q": "  "})

    assert response.status_code == 200
    assert "Type a word or two to search for." in response.content.decode()


def test_it_refuses_a_query_too_long_and_says_how_long_it_may_be(sign_in, agent):
    response = sign_in(agent).get(SEARCH, {"q": "word " * 60})

    assert "A search can be at most 200 characters long" in response.content.decode()
    assert "section_hits" not in response.context


def test_it_keeps_the_query_in_the_search_box(sign_in, agent):
    response = sign_in(agent).get(SEARCH, {"q": "gifts & favours"})

    assert 'value="gifts &amp; favours"' in response.content.decode()


def test_it_refuses_post(sign_in, agent):
    assert sign_in(agent).post(SEARCH, {"q": "gifts"}).status_code == 405


def test_it_sends_the_anonymous_to_sign_in(client):
    response = client.get(SEARCH, {"q": "gifts"})

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_it_refuses_someone_without_a_role(sign_in, outsider):
    assert sign_in(outsider).get(SEARCH, {"q": "gifts"}).status_code == 403


def test_the_navigation_has_a_search_box(sign_in, agent):
    response = sign_in(agent).get(reverse("home"))

    assert f'action="{SEARCH}"' in response.content.decode()


# --- people ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("E-7731", "E-7731"),
        ("e-77", "E-7731"),
        ("ioana.pop@", "E-7731"),
        ("Ioana Pop", "E-7731"),
        ("ioana p", "E-7731"),
        ("claims", "E-7731"),
        ("Legal", "E-7731"),
        ("lega", "E-7731"),
    ],
)
def test_compliance_finds_a_person_by_name_id_email_job_or_department(sign_in, compliance_officer, query, found):
    StaffProfileFactory(employee_id="E-1000", job_title="Teller", user__first_name="Dan", user__last_name="Radu")
    StaffProfileFactory(
        employee_id="E-7731",
        job_title="Claims handler",
        user__first_name="Ioana",
        user__last_name="Pop",
        user__email="ioana.pop@example.com",
        department=DepartmentFactory(name="Legal", code="LEG"),
    )

    response = sign_in(compliance_officer).get(PEOPLE, {"q": query})

    assert [person.employee_id for person in response.context["page"]] == [found]


def test_a_person_found_links_to_their_person_page(sign_in, compliance_officer, agent):
    response = sign_in(compliance_officer).get(PEOPLE, {"q": agent.employee_id})

    assert f'href="{reverse("person", args=[agent.pk])}"' in response.content.decode()


def test_people_search_is_for_those_who_see_the_whole_organisation(sign_in, agent, manager):
    assert sign_in(agent).get(PEOPLE, {"q": manager.employee_id}).status_code == 403


def test_an_agents_search_page_has_no_people_tab(sign_in, agent):
    assert PEOPLE not in sign_in(agent).get(SEARCH, {"q": "x"}).content.decode()


def test_people_search_says_when_no_one_matches(sign_in, compliance_officer):
    response = sign_in(compliance_officer).get(PEOPLE, {"q": "nobody-like-this"})

    assert "No one’s name, employee id, email or department matches" in response.content.decode()


@pytest.mark.parametrize("people", [1, 21])
def test_people_search_queries_do_not_grow_with_the_results(
    sign_in, compliance_officer, people, django_assert_num_queries
):
    StaffProfileFactory.create_batch(people, job_title="Claims handler")
    client = sign_in(compliance_officer)

    # Session, user, permissions (two), unread notifications, my tasks; people: count and page.
    with django_assert_num_queries(7):
        response = client.get(PEOPLE, {"q": "claims"})

    assert len(response.context["page"]) == people
