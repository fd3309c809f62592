"""System checks: `check --deploy` refuses a production without its own checkpoint and commitment keys."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks

_HINT = (
    "Give the portal a random key of its own (e.g. `python -c 'import secrets; print(secrets.token_hex(32))'`), "
    "kept outside the database, and keep it for good: {what}"
)


def _key_refusal(name: str, check_id: str, what: str) -> list[checks.CheckMessage]:
    key = str(getattr(settings, name))
    if len(key) >= 32 and key != settings.SECRET_KEY:
        return []
    return [
        checks.Error(
            f"{name} is not set, is shorter than 32 characters, or equals DJANGO_SECRET_KEY.",
            hint=_HINT.format(what=what),
            id=check_id,
        )
    ]


@checks.register(checks.Tags.security, deploy=True)
def checkpoint_key_is_set(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    return _key_refusal(
        "SIGNATURE_CHECKPOINT_KEY",
        "acknowledgements.E001",
        "records signed under one key do not verify under another.",
    )


@checks.register(checks.Tags.security, deploy=True)
def commitment_key_is_set(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    return _key_refusal(
        "SIGNATURE_COMMITMENT_KEY",
        "acknowledgements.E002",
        "commitments made under one key do not verify under another, and leavers' pseudonyms would change.",
    )
