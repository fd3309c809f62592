"""Database sessions stored in `people.UserSession`, a table with a user column.

Django's own session table has no user column, so it cannot answer "which
sessions belong to this person?" without decoding every row. Set
SESSION_ENGINE = "people.sessions" to use this store.
"""

from __future__ import annotations

from typing import Any, cast

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore

from .models import UserSession


class SessionStore(DatabaseSessionStore):
    @classmethod
    def get_model_class(cls) -> type[UserSession]:
        return UserSession

    def create_model_instance(self, data: dict[str, Any]) -> UserSession:
        session = cast(UserSession, super().create_model_instance(data))
        user_id = data.get("_auth_user_id")
        session.user_id = int(user_id) if user_id is not None else None
        return session
