"""The key of the commitments to personal fields, held apart from the rows like the checkpoint key.

A signature record's hash covers a commitment to each personal field (HMAC-SHA256 under this key),
not the field itself, so that a leaver's personal values can be replaced by pseudonyms once their
retention ends while every record, and every evidence pack exported before, still verifies. Whoever
reads the database cannot test a guess of a name against a commitment without the key.
"""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings


def commitment_key() -> bytes:
    """SIGNATURE_COMMITMENT_KEY, or on a development machine a key derived from SECRET_KEY.

    `check --deploy` refuses the derived key (acknowledgements.E002), as it does the checkpoint key's.
    """
    if settings.SIGNATURE_COMMITMENT_KEY:
        return str(settings.SIGNATURE_COMMITMENT_KEY).encode()
    return hmac.new(settings.SECRET_KEY.encode(), b"conduct_portal.signature-commitment-key", hashlib.sha256).digest()


# How every pseudonym begins: the database lets a signature's personal fields be replaced only by a pseudonym.
PSEUDONYM_PREFIX = "anon-"


def pseudonym_of(employee_id: str) -> str:
    """A leaver's stable pseudonym: the same employee id always gives the same one (records stay linkable
    to each other), and nobody without the commitment key can tell whose it is, or test a guess."""
    digest = hmac.new(commitment_key(), f"employee_id:{employee_id}".encode(), hashlib.sha256).hexdigest()
    return PSEUDONYM_PREFIX + digest[:24]
