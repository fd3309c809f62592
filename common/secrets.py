"""Bearer secrets (SCIM tokens, API tokens): made random, recognisable by a start, stored only as a digest."""

from __future__ import annotations

import hashlib
import secrets

# Characters of the random part kept in clear after the start, so that a person can tell tokens apart.
PREFIX_RANDOM_CHARS = 6


def secret_digest(secret: str) -> str:
    """The SHA-256 digest stored in place of a secret. The secret is 32 random bytes: a plain hash
    suffices, no slow password hash is needed."""
    return hashlib.sha256(secret.encode()).hexdigest()


def secret_make(start: str) -> tuple[str, str, str]:
    """A new secret beginning with `start` (so that a leaked one is recognisable by secret scanners and
    in logs), with its clear prefix and its digest: (secret, prefix, digest)."""
    secret = start + secrets.token_urlsafe(32)
    return secret, secret[: len(start) + PREFIX_RANDOM_CHARS], secret_digest(secret)
