"""The notification pages: what the person sees, and what is read afterwards."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from reminders.models import Notification
from reminders.tests.factories import NotificationFactory

pytestmark = pytest.mark.django_db


def unread(person) -> int:
    return Notification.objects.filter(recipient=person.user, read_at=None).count()


def test_the_list_shows_the_persons_own_notifications_with_the_unread_ones_new(client, agent, manager) -> None:
    NotificationFactory(recipient=agent.user, message="Please acknowledge “Privacy”")
    NotificationFactory(recipient=agent.user, message="Training due: Complaints", read_at=timezone.now())
    NotificationFactory(recipient=manager.user, message="Your team: 2 overdue items")
    client.force_login(agent.user)

    page = client.get("/notifications/").content.decode()

    assert "Please acknowledge “Privacy”" in page
    assert "Training due: Complaints" in page
    assert "Your team" not in page
    assert page.count(">New<") == 1
    assert "Mark all as read" in page


def test_a_person_without_notifications_is_told_where_they_come_from(client, agent) -> None:
    client.force_login(agent.user)

    page = client.get("/notifications/").content.decode()

    assert "No notifications. Reminders sent to you by email also appear here." in page
    assert "Mark all as read" not in page


def test_opening_a_notification_marks_it_read_and_follows_its_link(client, agent) -> None:
    notification = NotificationFactory(recipient=agent.user, url="/acknowledgements/7/")
    client.force_login(agent.user)

    response = client.post(f"/notifications/{notification.pk}/open/")

    assert response["Location"] == "/acknowledgements/7/"
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_opening_a_read_notification_keeps_when_it_was_first_read(client, agent) -> None:
    first_read = timezone.now() - datetime.timedelta(days=3)
    notification = NotificationFactory(recipient=agent.user, read_at=first_read)
    client.force_login(agent.user)

    client.post(f"/notifications/{notification.pk}/open/")

    notification.refresh_from_db()
    assert notification.read_at == first_read


def test_a_link_to_another_site_is_not_followed(client, agent) -> None:
    notification = NotificationFactory(recipient=agent.user, url="https://example.org/phish")
    client.force_login(agent.user)

    response = client.post(f"/notifications/{notification.pk}/open/")

    assert response["Location"] == "/notifications/"
    assert unread(agent) == 0


def test_someone_elses_notification_is_not_found(client, agent, manager) -> None:
    notification = NotificationFactory(recipient=agent.user)
    client.force_login(manager.user)

    assert client.post(f"/notifications/{notification.pk}/open/").status_code == 404
    assert unread(agent) == 1


def test_mark_all_as_read_reads_only_the_persons_own(client, agent, manager) -> None:
    NotificationFactory.create_batch(3, recipient=agent.user)
    NotificationFactory(recipient=manager.user)
    client.force_login(agent.user)

    response = client.post("/notifications/read-all/", follow=True)

    page = response.content.decode()
    assert response.redirect_chain == [("/notifications/", 302)]
    assert unread(agent) == 0
    assert unread(manager) == 1
    assert ">New<" not in page
    assert "Mark all as read" not in page


@pytest.mark.parametrize(("method", "path"), [("post", "/notifications/"), ("get", "/notifications/{pk}/open/"),
                                              ("get", "/notifications/read-all/")])  # fmt: skip
def test_the_wrong_method_is_refused_and_changes_nothing(client, agent, method, path) -> None:
    notification = NotificationFactory(recipient=agent.user)
    client.force_login(agent.user)

    response = getattr(client, method)(path.format(pk=notification.pk))

    assert response.status_code == 405
    assert unread(agent) == 1


@pytest.mark.parametrize(("method", "path"), [("get", "/notifications/"), ("post", "/notifications/{pk}/open/"),
                                              ("post", "/notifications/read-all/")])  # fmt: skip
def test_anonymous_visitors_are_sent_to_sign_in_and_nothing_is_read(client, agent, method, path) -> None:
    notification = NotificationFactory(recipient=agent.user)

    response = getattr(client, method)(path.format(pk=notification.pk))

    assert response["Location"].startswith("/accounts/login/")
    assert unread(agent) == 1


@pytest.mark.parametrize("notifications", [1, 25])
def test_the_list_costs_the_same_queries_for_1_or_25_notifications(
    client, agent, notifications, django_assert_num_queries
) -> None:
    NotificationFactory.create_batch(notifications, recipient=agent.user)
    client.force_login(agent.user)

    # the session, the user, the page's count, the user's own and their groups' permissions (for the
    # navigation), the unread count beside the bell and the tasks count, the page's rows
    with django_assert_num_queries(7):
        page = client.get("/notifications/").content.decode()

    assert page.count(">New<") == notifications
