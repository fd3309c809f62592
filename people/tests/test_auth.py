"""Signing in and out, passwords, throttling, leavers, and the language after sign-in."""

from __future__ import annotations

import pytest
from django.core import mail

from audit.models import AuditEvent
from people.models import UserSession
from people.services import person_deactivate
from people.tests.factories import TEST_PASSWORD

# Ordered with the other database tests (the cast fixtures open the database).
pytestmark = pytest.mark.django_db


def test_a_person_signs_in_and_lands_on_their_home(client, agent) -> None:
    response = client.post("/accounts/login/", {"username": "ana", "password": TEST_PASSWORD}, follow=True)

    assert response.redirect_chain == [("/", 302)]
    assert "Welcome, Ana" in response.content.decode()


def test_a_wrong_password_is_refused_with_a_clear_message(client, agent) -> None:
    response = client.post("/accounts/login/", {"username": "ana", "password": "wrong"})

    assert response.status_code == 200
    assert "do not match an active account" in response.content.decode()


def test_sign_in_goes_back_to_the_page_asked_for(client, manager) -> None:
    response = client.post("/accounts/login/?next=/people/team/", {"username": "maria", "password": TEST_PASSWORD})

    assert response["Location"] == "/people/team/"


def test_sign_out_ends_the_session(client, agent) -> None:
    client.force_login(agent.user)

    client.post("/accounts/logout/")

    assert client.get("/")["Location"].startswith("/accounts/login/")
    assert not UserSession.objects.filter(user=agent.user).exists()


def test_repeated_failed_sign_ins_are_throttled(client, agent, settings) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/accounts/login/", {"username": "ana", "password": "wrong"})

    response = client.post("/accounts/login/", {"username": "ana", "password": TEST_PASSWORD})

    assert response.status_code == 429
    assert "Too many failed sign-ins" in response.content.decode()
    assert not UserSession.objects.filter(user=agent.user).exists()


def test_throttling_one_account_leaves_the_others_alone(client, agent, manager, settings) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/accounts/login/", {"username": "ana", "password": "wrong"})

    response = client.post("/accounts/login/", {"username": "maria", "password": TEST_PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert UserSession.objects.filter(user=manager.user).exists()


def test_deactivating_a_leaver_ends_all_their_sessions_at_once(client, agent, manager) -> None:
    from django.test import Client

    laptop, phone = Client(), Client()
    laptop.force_login(agent.user)
    phone.force_login(agent.user)
    client.force_login(manager.user)
    assert UserSession.objects.filter(user=agent.user).count() == 2

    ended = person_deactivate(user=agent.user, actor=None)

    assert ended == 2
    assert laptop.get("/")["Location"].startswith("/accounts/login/")
    assert phone.get("/")["Location"].startswith("/accounts/login/")
    assert client.get("/").status_code == 200, "other people's sessions stay"


def test_a_deactivated_person_cannot_sign_in(client, agent) -> None:
    person_deactivate(user=agent.user, actor=None)

    response = client.post("/accounts/login/", {"username": "ana", "password": TEST_PASSWORD})

    assert response.status_code == 200
    assert "do not match an active account" in response.content.decode()


def admin_change_form(profile, *, active: bool) -> dict:
    """The admin's change form of a person's account, as the browser posts it, with "active" ticked or not."""
    user = profile.user
    return {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on" if active else "",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "09:00:00",
        "groups": [g.pk for g in user.groups.all()],
        "profile-TOTAL_FORMS": "1",
        "profile-INITIAL_FORMS": "1",
        "profile-0-id": profile.pk,
        "profile-0-user": user.pk,
        "profile-0-department": profile.department.pk,
        "profile-0-manager": profile.manager.pk if profile.manager else "",
        "profile-0-employee_id": profile.employee_id,
        "profile-0-job_title": profile.job_title,
        "profile-0-preferred_language": "en",
    }


def test_unticking_active_in_the_admin_ends_the_sessions(client, agent, administrator) -> None:
    from django.test import Client

    agents_browser = Client()
    agents_browser.force_login(agent.user)
    client.force_login(administrator.user)
    user = agent.user

    response = client.post(f"/admin/auth/user/{user.pk}/change/", admin_change_form(agent, active=False))

    assert response.status_code == 302, response.content.decode()[:3000]
    user.refresh_from_db()
    assert not user.is_active
    assert agents_browser.get("/")["Location"].startswith("/accounts/login/")
    assert AuditEvent.objects.filter(action="people.person.deactivate", actor=administrator.user).count() == 1


def test_ticking_active_in_the_admin_reactivates_through_the_service(
    client, agent, administrator, announced, django_capture_on_commit_callbacks
) -> None:
    person_deactivate(user=agent.user, actor=None)
    client.force_login(administrator.user)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/admin/auth/user/{agent.user.pk}/change/", admin_change_form(agent, active=True))

    assert response.status_code == 302, response.content.decode()[:3000]
    agent.user.refresh_from_db()
    assert agent.user.is_active
    assert AuditEvent.objects.filter(action="people.person.reactivate", actor=administrator.user).count() == 1
    assert agent.pk in [person_id for person_id, _actor_id in announced]


def test_password_reset_sends_a_link_that_sets_a_new_password(client, agent) -> None:
    response = client.post("/accounts/password_reset/", {"email": agent.user.email})

    assert response["Location"] == "/accounts/password_reset/done/"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [agent.user.email]
    link = next(line for line in mail.outbox[0].body.splitlines() if "/accounts/reset/" in line)
    form_url = client.get(link.replace("http://testserver", ""))["Location"]
    response = client.post(
        form_url, {"new_password1": "a-brand-new-passphrase", "new_password2": "a-brand-new-passphrase"}
    )
    assert response["Location"] == "/accounts/reset/done/"
    assert client.post("/accounts/login/", {"username": "ana", "password": "a-brand-new-passphrase"}).status_code == 302


def test_password_reset_for_an_unknown_address_says_the_same_and_sends_nothing(client, db) -> None:
    response = client.post("/accounts/password_reset/", {"email": "nobody@example.com"})

    assert response["Location"] == "/accounts/password_reset/done/"
    assert mail.outbox == []


def test_a_person_changes_their_password(client, agent) -> None:
    client.force_login(agent.user)

    response = client.post(
        "/accounts/password_change/",
        {
            "old_password": TEST_PASSWORD,
            "new_password1": "another-long-passphrase",
            "new_password2": "another-long-passphrase",
        },
    )

    assert response["Location"] == "/accounts/password_change/done/"
    agent.user.refresh_from_db()
    assert agent.user.check_password("another-long-passphrase")


def test_a_too_short_new_password_gets_a_field_error(client, agent) -> None:
    client.force_login(agent.user)

    response = client.post(
        "/accounts/password_change/",
        {"old_password": TEST_PASSWORD, "new_password1": "short", "new_password2": "short"},
    )

    assert response.status_code == 200
    assert "This password is too short" in response.content.decode()


def test_after_sign_in_the_portal_speaks_the_preferred_language(client, agent) -> None:
    agent.preferred_language = "ro"
    agent.save()

    response = client.post(
        "/accounts/login/",
        {"username": "ana", "password": TEST_PASSWORD},
        headers={"accept-language": "en"},
        follow=True,
    )

    assert response.headers["Content-Language"] == "ro"
    assert '<html lang="ro">' in response.content.decode()


def test_sessions_expire(settings) -> None:
    assert settings.SESSION_COOKIE_AGE <= 12 * 60 * 60
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE


def test_an_administrator_cannot_make_anyone_a_superuser(client, administrator, agent) -> None:
    client.force_login(administrator.user)

    page = client.get(f"/admin/auth/user/{agent.user.pk}/change/").content.decode()

    assert 'name="is_superuser"' not in page
    assert 'name="is_staff"' not in page
    assert 'name="user_permissions"' not in page
    assert 'name="groups"' in page


def test_nobody_is_offered_their_own_roles_to_change(client, administrator) -> None:
    client.force_login(administrator.user)

    page = client.get(f"/admin/auth/user/{administrator.user.pk}/change/").content.decode()

    assert 'name="groups"' not in page
    assert 'name="first_name"' in page


def change_password(client, old_password: str):  # type: ignore[no-untyped-def]
    new = "another-long-passphrase"
    return client.post(
        "/accounts/password_change/", {"old_password": old_password, "new_password1": new, "new_password2": new}
    )


def test_a_wrong_old_password_is_refused_with_a_summary_and_audited(client, agent) -> None:
    from audit.models import AuditEvent

    client.force_login(agent.user)

    response = change_password(client, "not-it")

    page = response.content.decode()
    assert response.status_code == 200
    assert '<a href="#id_old_password">That is not your password' in page
    event = AuditEvent.objects.get(action="people.reauthentication.fail")
    assert (event.actor_id, event.details) == (agent.user.pk, {"purpose": "password_change", "locked_out": False})


def test_wrong_old_passwords_lock_the_account_out_as_failed_sign_ins_do(client, agent) -> None:
    from audit.models import AuditEvent

    client.force_login(agent.user)
    for _attempt in range(50):
        change_password(client, "not-it")

    response = change_password(client, TEST_PASSWORD)

    assert response.status_code == 429
    assert "Too many failed sign-ins" in response.content.decode()
    agent.user.refresh_from_db()
    assert agent.user.check_password(TEST_PASSWORD), "the password is unchanged"
    assert AuditEvent.objects.filter(action="people.reauthentication.fail").count() == 51
    client.logout()
    assert client.post("/accounts/login/", {"username": "ana", "password": TEST_PASSWORD}).status_code == 429


def test_failed_sign_ins_lock_the_password_change_too(client, agent, settings) -> None:
    from django.test import Client

    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        Client().post("/accounts/login/", {"username": "ana", "password": "wrong"})
    client.force_login(agent.user)

    response = change_password(client, TEST_PASSWORD)

    assert response.status_code == 429
    agent.user.refresh_from_db()
    assert agent.user.check_password(TEST_PASSWORD)


def test_axes_keeps_no_password_of_a_failed_password_change(client, agent) -> None:
    from axes.models import AccessAttempt

    client.force_login(agent.user)
    change_password(client, "not-it")

    attempt = AccessAttempt.objects.get(username="ana")
    assert "not-it" not in attempt.post_data
    assert "another-long-passphrase" not in attempt.post_data


def test_the_admins_password_change_is_the_throttled_one(client, administrator) -> None:
    client.force_login(administrator.user)

    response = client.get("/admin/password_change/")

    assert response["Location"] == "/accounts/password_change/"
