"""My tasks: the count in the navigation, the panel on the home page and the tasks page."""

from __future__ import annotations

import re

import pytest

from codes import services as code_services
from portal.inbox import TASK_KINDS, count_tasks

from .tasks_data import give_tasks

pytestmark = pytest.mark.django_db

TASKS = "/tasks/"
EVERY_KIND = {kind.key for kind in TASK_KINDS}


def test_a_manager_has_a_count_of_every_kind_of_task_in_one_query(
    django_assert_num_queries, manager, second_manager, agent
) -> None:
    give_tasks(manager, author=second_manager, report=agent, rows=2)
    manager.user.has_perm("people.view_team")  # the permissions are read once per request, before

    with django_assert_num_queries(1):
        counts = count_tasks(manager.user)

    assert counts == dict.fromkeys(EVERY_KIND, 2)


def test_an_agent_has_only_the_kinds_of_task_that_are_theirs(agent, manager, second_manager) -> None:
    give_tasks(manager, author=second_manager, report=agent, rows=1)

    assert count_tasks(agent.user) == {"sign": 1, "training": 1}


def test_the_navigation_shows_the_number_of_tasks(client, manager, second_manager, agent) -> None:
    give_tasks(manager, author=second_manager, report=agent, rows=2)
    client.force_login(manager.user)

    page = client.get("/people/me/").content.decode()

    assert 'data-testid="my-tasks"' in page
    assert '22<span class="visually-hidden"> waiting</span>' in page


def test_the_navigation_shows_no_count_when_nothing_waits(client, agent) -> None:
    client.force_login(agent.user)

    page = client.get("/people/me/").content.decode()

    assert 'data-testid="my-tasks"' in page
    assert "waiting</span>" not in page


def test_the_author_is_not_asked_to_review_their_own_version(client, draft, manager, second_manager) -> None:
    code_services.version_submit(version=draft, actor=manager.user)

    client.force_login(manager.user)
    assert 'data-testid="tasks-review"' not in client.get(TASKS).content.decode()
    client.force_login(second_manager.user)
    assert f'href="/codes/{draft.document.slug}/v1/"' in client.get(TASKS).content.decode()


def translation_in_review(version, translator):
    """A Romanian translation of `version`, every section translated by `translator`, who sent it for review."""
    translation = code_services.translation_start(version=version, language="ro", actor=translator.user)
    for each in translation.sections.all():
        code_services.translation_section_update(section_translation=each, actor=translator.user, title="T", body="")
    return code_services.translation_submit(translation=translation, actor=translator.user)


def test_a_translation_in_review_is_a_task_for_a_second_manager_and_not_for_its_translator(
    client, published, manager, second_manager
) -> None:
    translation_in_review(published, manager)
    editor = f"/codes/{published.document.slug}/v1/translations/ro/"

    client.force_login(manager.user)
    assert 'data-testid="tasks-translation_review"' not in client.get(TASKS).content.decode()
    client.force_login(second_manager.user)
    page = client.get(TASKS).content.decode()
    assert 'data-testid="tasks-translation_review"' in page
    assert f'href="{editor}"' in page
    assert client.get(editor).status_code == 200


def test_a_translation_approved_leaves_the_tasks(published, manager, second_manager) -> None:
    translation = translation_in_review(published, manager)

    code_services.translation_approve(translation=translation, actor=second_manager.user)

    assert count_tasks(second_manager.user)["translation_review"] == 0


def test_an_agent_has_no_translation_to_review(published, manager, agent) -> None:
    translation_in_review(published, manager)

    assert "translation_review" not in count_tasks(agent.user)


def test_a_task_disappears_from_the_home_page_once_done(client, draft, manager, second_manager) -> None:
    code_services.version_submit(version=draft, actor=manager.user)
    client.force_login(second_manager.user)
    assert 'data-testid="tasks-review"' in client.get("/").content.decode()

    code_services.version_approve(version=draft, actor=second_manager.user)

    page = client.get("/").content.decode()
    assert 'data-testid="tasks-review"' not in page
    assert 'data-testid="tasks-publish"' in page, "approved, it now waits to be published"


def test_the_tasks_page_names_each_kind_with_its_count(client, manager, second_manager, agent) -> None:
    give_tasks(manager, author=second_manager, report=agent, rows=1)
    client.force_login(manager.user)

    response = client.get(TASKS)

    assert response.status_code == 200
    assert [(task_list.kind.key, task_list.count) for task_list in response.context["task_lists"]] == [
        (kind.key, 1) for kind in TASK_KINDS
    ]
    assert "11 tasks wait for you." in response.content.decode()


def test_the_tasks_page_shows_a_page_of_each_kind(client, manager, second_manager, agent) -> None:
    give_tasks(manager, author=second_manager, report=agent, rows=21)
    client.force_login(manager.user)

    response = client.get(TASKS, {"sign_page": 2})

    lists = {task_list.kind.key: task_list for task_list in response.context["task_lists"]}
    assert len(lists["review"].rows) == 20
    assert lists["sign"].rows.number == 2
    assert len(lists["sign"].rows) == 1
    assert "?sign_page=1" in response.content.decode()


def test_the_home_page_shows_the_first_few_of_each_kind_and_links_to_all(
    client, manager, second_manager, agent
) -> None:
    give_tasks(manager, author=second_manager, report=agent, rows=6)
    client.force_login(manager.user)

    response = client.get("/")

    page = response.content.decode()
    assert all(len(task_list.rows) == 5 for task_list in response.context["task_lists"])
    assert 'href="/tasks/#tasks-sign"' in page
    assert "See all 6" in page


def test_the_tasks_page_refuses_other_methods(client, agent) -> None:
    client.force_login(agent.user)

    assert client.post(TASKS).status_code == 405


def test_the_tasks_page_asks_an_anonymous_visitor_to_sign_in(client, db) -> None:
    response = client.get(TASKS)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_every_task_link_opens_for_the_person(client, manager, second_manager, agent) -> None:
    give_tasks(manager, author=second_manager, report=agent, rows=1)
    client.force_login(manager.user)
    page = client.get(TASKS).content.decode()
    # Each kind's link, from the page's content (the navigation's are someone else's concern).
    links = set(re.findall(r'<a class="btn btn-sm[^"]*"\s+href="([^"]+)"', page[page.index("<h1") :]))

    # The two kinds about the manager's team link to the same person page.
    assert len(links) == len(TASK_KINDS) - 1
    for link in sorted(links):
        assert client.get(link).status_code == 200, link


@pytest.mark.parametrize("rows", [1, 21])
def test_the_tasks_page_reads_the_same_number_of_queries_whatever_the_number_of_tasks(
    client, django_assert_num_queries, manager, second_manager, agent, rows
) -> None:
    give_tasks(manager, author=second_manager, report=agent, rows=rows)
    client.force_login(manager.user)

    # The session, the user, their permissions (two), the count of every kind of task (one, shared with the
    # navigation and the pages of each kind), a page of each of the eleven kinds, unread notifications (navigation).
    with django_assert_num_queries(16):
        response = client.get(TASKS)
    assert response.status_code == 200


@pytest.mark.parametrize("rows", [1, 21])
def test_the_home_page_reads_the_same_number_of_queries_whatever_the_number_of_tasks(
    client, django_assert_num_queries, manager, second_manager, agent, rows
) -> None:
    give_tasks(manager, author=second_manager, report=agent, rows=rows)
    client.force_login(manager.user)

    # The session, the user, the profile, the permissions (two), the count of every kind of task (one, shared
    # with the navigation), the first tasks of each of the eleven kinds, the manager's documents, the size of
    # their team, unread notifications (navigation).
    with django_assert_num_queries(19):
        response = client.get("/")
    assert response.status_code == 200


def test_compliance_finds_a_campaign_with_people_overdue_in_their_tasks_and_opens_it(
    client, compliance_officer, manager, second_manager, agent
) -> None:
    give_tasks(manager, author=second_manager, report=agent, rows=1)
    client.force_login(compliance_officer.user)

    page = client.get(TASKS).content.decode()

    assert 'data-testid="tasks-campaigns"' in page
    assert "1 person past their deadline, since" in page
    campaign = re.search(r'href="(/acknowledgements/dashboard/versions/\d+/)"', page)
    assert campaign is not None
    assert client.get(campaign.group(1)).status_code == 200
