"""How each signer proved it was them, sealed to their record: a MAC over the record's hash and the method.

The subject at the provider is personal (often an email address): the MAC covers a commitment to it
(chain_format.commitment), so that it can become their pseudonym when the signer is pseudonymised.

Kept apart from the chain's own hash (acknowledgements.chain), which it does not change: the records
signed before it existed have no authentication row and keep the hash they were sealed with.
"""

from __future__ import annotations

import json

from django.utils.translation import gettext as _

from .chain import _mac, checkpoint_key, hashed_timestamp, mac_matches
from .chain_format import commitment
from .commitments import commitment_key
from .models import SignatureAuthentication


def mac_of_authentication(
    authentication: SignatureAuthentication, *, record_hash: str, key: bytes | None = None
) -> str:
    """The MAC that binds how a signer was authenticated to their record (by its hash).

    The values go in as a JSON array, so that no provider or subject, whatever it contains, can
    pass for another split of the same text; the prefix keeps it from passing for any other MAC.
    """
    values = [
        record_hash,
        authentication.method,
        authentication.provider,
        authentication.subject_commitment,
        hashed_timestamp(authentication.authenticated_at),
    ]
    return _mac(key or checkpoint_key(), f"authentication:{json.dumps(values, ensure_ascii=False)}")


def seal_authentication(authentication: SignatureAuthentication, *, record_hash: str) -> None:
    """Give a new authentication its commitment to the subject and its MAC."""
    authentication.subject_commitment = commitment(commitment_key(), "subject", authentication.subject)
    authentication.mac = mac_of_authentication(authentication, record_hash=record_hash)


def authentication_intact(authentication: SignatureAuthentication) -> bool:
    """Whether a signer's authentication is the one sealed with their record's hash, and (until the signer is
    pseudonymised) still names the subject it committed to."""
    expected = mac_of_authentication(authentication, record_hash=authentication.signature.record_hash)
    if not mac_matches(authentication.mac, expected):
        return False
    if authentication.signature.pseudonymised_at is not None:
        return True
    return mac_matches(
        authentication.subject_commitment, commitment(commitment_key(), "subject", authentication.subject)
    )


def authentication_problems(*, batch_size: int = 5000) -> list[str]:
    """The first authentication whose MAC does not match its record, if any (read in batches of values)."""
    rows = SignatureAuthentication.objects.order_by("pk").select_related("signature")
    last = 0
    while True:
        batch = list(rows.filter(pk__gt=last)[:batch_size])
        if not batch:
            return []
        for authentication in batch:
            if not authentication_intact(authentication):
                return [
                    _("record #%(sequence)s: how its signer was authenticated was changed after signing")
                    % {"sequence": authentication.signature.sequence}
                ]
        last = batch[-1].pk
