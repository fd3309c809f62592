"""System checks: `check --deploy` refuses a production without its own checkpoint key."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security, deploy=True)
def checkpoint_key_is_set(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    key = str(settings.SIGNATURE_CHECKPOINT_KEY)
    if len(key) >= 32 and key != settings.SECRET_KEY:
        return []
    return [
        checks.Error(
            "SIGNATURE_CHECKPOINT_KEY is not set, is shorter than 32 characters, or equals DJANGO_SECRET_KEY.",
            hint=(
                "Give the portal a random key of its own (e.g. `python -c 'import secrets; "
                "print(secrets.token_hex(32))'`), kept outside the database, and keep it for good: "
                "records signed under one key do not verify under another."
            ),
            id="acknowledgements.E001",
        )
    ]
