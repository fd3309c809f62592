"""Who may open which training page: anonymous visitors sign in first, and each role opens exactly its pages."""

from __future__ import annotations

import pytest

from .helpers import COURSES, MINE, REFUSED, STATUS, TEAM, shows

pytestmark = pytest.mark.django_db


def test_anonymous_visitors_are_sent_to_sign_in(client, session) -> None:
    for path in (MINE, COURSES, f"/training/sessions/{session.pk}/", STATUS):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


PAGES = [MINE, COURSES, "/training/courses/new/", "/training/sessions/new/", TEAM, STATUS]
ALLOWED = {
    "agent": {MINE, COURSES},
    "manager": {MINE, COURSES, "/training/courses/new/", "/training/sessions/new/", TEAM},
    "compliance_officer": {MINE, COURSES, STATUS},
    "administrator": {MINE, COURSES, STATUS},
    "outsider": set(),
}


@pytest.mark.parametrize("person", sorted(ALLOWED))
@pytest.mark.parametrize("path", PAGES)
def test_role_page_matrix(request, client, person: str, path: str) -> None:
    client.force_login(request.getfixturevalue(person).user)

    response = client.get(path)

    if path in ALLOWED[person]:
        assert response.status_code == 200
        assert not shows(response, REFUSED)
    else:
        assert response.status_code == 403
        assert shows(response, REFUSED)
