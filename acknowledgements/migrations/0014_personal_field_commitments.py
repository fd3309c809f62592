"""The chain commits to the personal fields instead of covering them, so that a leaver can be pseudonymised.

A record's hash covered its typed name, IP address and browser as they were; it now covers a commitment to
each (HMAC-SHA256 under SIGNATURE_COMMITMENT_KEY, see acknowledgements.chain_format), stored in new columns,
and a signer's authentication MAC covers a commitment to their subject at the provider. Existing chains are
moved to the new scheme here: every record is checked under the scheme it was sealed with (its link, its
hash, its MAC; its authentication's MAC), refused if anything fails (run `manage.py verify_signatures`
before migrating: a broken chain is never vouched for anew), then given its commitments, a new hash, link and
MAC; every authentic checkpoint is re-signed with the new hash of the record it ended with. Unapplying it
moves the chain back the same way, as long as no record has been pseudonymised.

The append-only triggers let exactly one change through, in PostgreSQL: a signature's typed name, IP address
and browser replaced by its signer's pseudonym (the employee id of their staff record, once it is one:
`anon-…`), nothing, and empty text, with the moment it was done, every other column unchanged; and an
authentication's subject replaced by the same pseudonym once its record is pseudonymised. Anything else is
still refused; and the application's role may update those columns only (`manage.py grant_app_role`).

The hashing is written out here rather than imported: a migration must keep doing what it did when it was
written, whatever the modules become.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
from typing import Any

from django.conf import settings
from django.db import migrations, models

from audit.guards import append_only, drop_triggers

SIGNATURES = "acknowledgements_signature"
AUTHENTICATIONS = "acknowledgements_signatureauthentication"
CHECKPOINTS = "acknowledgements_signaturecheckpoint"
GENESIS = "0" * 64
PERSONAL = ("typed_name", "ip_address", "user_agent")
BATCH = 2000


def _setting_key(setting: str, derivation: bytes) -> bytes:
    # As acknowledgements.chain.checkpoint_key() and acknowledgements.commitments.commitment_key() derive them.
    if getattr(settings, setting, ""):
        return str(getattr(settings, setting)).encode()
    return hmac.new(settings.SECRET_KEY.encode(), derivation, hashlib.sha256).digest()


def _mac(key: bytes, message: str) -> str:
    return hmac.new(key, message.encode(), hashlib.sha256).hexdigest()


def _moment(value: datetime.datetime | None) -> str | None:
    return None if value is None else value.astimezone(datetime.UTC).isoformat(timespec="microseconds")


def _commitment(key: bytes, name: str, value: str | None) -> str:
    return _mac(key, json.dumps([name, value], ensure_ascii=False, separators=(",", ":")))


def _record_hash(row: dict[str, Any], personal: list[Any], previous_hash: str) -> str:
    """SHA-256 of the compact JSON array of the hashed fields; `personal` is what stands in the typed name's,
    address's and browser's three places: the values (plain scheme) or their commitments."""
    values = [
        row["sequence"], row["request_id"], row["person_id"], row["version_id"], _moment(row["signed_at"]),
        row["statement"], *personal, row["content_hash"], _moment(row["first_opened_at"]), previous_hash,
    ]  # fmt: skip
    if row["method"] == "kiosk":  # a record signed at a kiosk also has these hashed, after the rest
        values += [row["method"], row["witness_id"], row["device"]]
    return hashlib.sha256(json.dumps(values, ensure_ascii=False, separators=(",", ":")).encode()).hexdigest()


def _authentication_mac(key: bytes, authentication: dict[str, Any], record_hash: str, subject: str) -> str:
    values = [
        record_hash, authentication["method"], authentication["provider"], subject,
        _moment(authentication["authenticated_at"]),
    ]  # fmt: skip
    return _mac(key, f"authentication:{json.dumps(values, ensure_ascii=False)}")


class ChainRefused(RuntimeError):
    pass


def _refuse(sequence: int, what: str) -> ChainRefused:
    return ChainRefused(
        f"Signature record #{sequence}: {what}. The chain is not moved to another scheme while it does not verify: "
        "run `manage.py verify_signatures`, settle what it reports, and migrate again."
    )


def _rechain(apps: Any, schema_editor: Any, *, to_commitments: bool) -> None:
    """Check every record under the scheme it has, and seal it under the other one."""
    Signature = apps.get_model("acknowledgements", "Signature")
    Authentication = apps.get_model("acknowledgements", "SignatureAuthentication")
    Checkpoint = apps.get_model("acknowledgements", "SignatureCheckpoint")
    mac_key = _setting_key("SIGNATURE_CHECKPOINT_KEY", b"conduct_portal.signature-checkpoint-key")
    personal_key = _setting_key("SIGNATURE_COMMITMENT_KEY", b"conduct_portal.signature-commitment-key")
    if not to_commitments and Signature.objects.filter(pseudonymised_at__isnull=False).exists():
        raise ChainRefused("Records have been pseudonymised: their plain values are gone, so the chain cannot go back.")
    heads = set(Checkpoint.objects.exclude(head_sequence=None).values_list("head_sequence", flat=True))
    new_heads: dict[int, tuple[str, str]] = {}
    connection = schema_editor.connection
    postgresql = connection.vendor == "postgresql"
    columns = [
        "pk", "sequence", "request_id", "person_id", "version_id", "signed_at", "statement", *PERSONAL,
        "typed_name_commitment", "ip_address_commitment", "user_agent_commitment", "content_hash",
        "first_opened_at", "previous_hash", "record_hash", "record_mac", "method", "witness_id", "device",
    ]  # fmt: skip
    with connection.cursor() as cursor:
        if postgresql:
            # Deferred foreign keys settled first: a table with pending trigger events cannot be altered.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for table in (SIGNATURES, AUTHENTICATIONS, CHECKPOINTS):
                cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        old_previous = new_previous = GENESIS
        last = -1
        while batch := list(Signature.objects.filter(sequence__gt=last).order_by("sequence").values(*columns)[:BATCH]):
            authentications = {
                row["signature_id"]: row
                for row in Authentication.objects.filter(signature_id__in=[r["pk"] for r in batch]).values(
                    "pk", "signature_id", "method", "provider", "subject", "subject_commitment", "authenticated_at", "mac"
                )
            }
            signature_updates, authentication_updates = [], []
            for row in batch:
                commitments = [_commitment(personal_key, name, row[name]) for name in PERSONAL]
                plain = [row[name] for name in PERSONAL]
                old_personal, new_personal = (plain, commitments) if to_commitments else (commitments, plain)
                if not to_commitments and [row[f"{name}_commitment"] for name in PERSONAL] != commitments:
                    raise _refuse(row["sequence"], "its personal fields no longer match their commitments")
                if row["previous_hash"] != old_previous:
                    raise _refuse(row["sequence"], "its link to the record before is broken")
                if _record_hash(row, old_personal, old_previous) != row["record_hash"]:
                    raise _refuse(row["sequence"], "its fields no longer match its hash")
                if not hmac.compare_digest(row["record_mac"], _mac(mac_key, f"signature:{row['record_hash']}")):
                    raise _refuse(row["sequence"], "its MAC does not match")
                new_hash = _record_hash(row, new_personal, new_previous)
                stored_commitments = commitments if to_commitments else ["", "", ""]
                signature_updates.append(
                    [*stored_commitments, new_previous, new_hash, _mac(mac_key, f"signature:{new_hash}"), row["pk"]]
                )
                authentication = authentications.get(row["pk"])
                if authentication is not None:
                    subject_commitment = _commitment(personal_key, "subject", authentication["subject"])
                    old_subject, new_subject = (
                        (authentication["subject"], subject_commitment)
                        if to_commitments
                        else (subject_commitment, authentication["subject"])
                    )
                    expected = _authentication_mac(mac_key, authentication, row["record_hash"], old_subject)
                    if not hmac.compare_digest(authentication["mac"], expected):
                        raise _refuse(row["sequence"], "its authentication's MAC does not match")
                    authentication_updates.append(
                        [
                            subject_commitment if to_commitments else "",
                            _authentication_mac(mac_key, authentication, new_hash, new_subject),
                            authentication["pk"],
                        ]
                    )
                if row["sequence"] in heads:
                    new_heads[row["sequence"]] = (row["record_hash"], new_hash)
                old_previous, new_previous = row["record_hash"], new_hash
            cursor.executemany(
                f"UPDATE {SIGNATURES} SET typed_name_commitment = %s, ip_address_commitment = %s, "  # noqa: S608
                "user_agent_commitment = %s, previous_hash = %s, record_hash = %s, record_mac = %s WHERE id = %s",
                signature_updates,
            )
            cursor.executemany(
                f"UPDATE {AUTHENTICATIONS} SET subject_commitment = %s, mac = %s WHERE id = %s",  # noqa: S608
                authentication_updates,
            )
            last = batch[-1]["sequence"]
        for checkpoint in Checkpoint.objects.order_by("pk").values():
            head = "" if checkpoint["head_sequence"] is None else checkpoint["head_sequence"]
            message = "checkpoint:{count}:{head}:{hash}:{time}"
            old = message.format(
                count=checkpoint["count"], head=head, hash=checkpoint["head_hash"], time=_moment(checkpoint["created_at"])
            )
            if not hmac.compare_digest(checkpoint["mac"], _mac(mac_key, old)):
                continue  # Not the portal's: verification names it, and it vouches for nothing.
            if checkpoint["head_sequence"] is None:
                continue
            old_hash, new_hash = new_heads.get(checkpoint["head_sequence"], (None, None))
            if old_hash != checkpoint["head_hash"] or new_hash is None:
                raise _refuse(checkpoint["head_sequence"], "it no longer ends the chain the way a checkpoint recorded")
            new = message.format(
                count=checkpoint["count"], head=head, hash=new_hash, time=_moment(checkpoint["created_at"])
            )
            cursor.execute(
                f"UPDATE {CHECKPOINTS} SET head_hash = %s, mac = %s WHERE id = %s",  # noqa: S608
                [new_hash, _mac(mac_key, new), checkpoint["id"]],
            )
        if postgresql:
            for table in (SIGNATURES, AUTHENTICATIONS, CHECKPOINTS):
                cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")


def to_commitments(apps: Any, schema_editor: Any) -> None:
    _rechain(apps, schema_editor, to_commitments=True)


def to_plain(apps: Any, schema_editor: Any) -> None:
    _rechain(apps, schema_editor, to_commitments=False)


# The one change the database lets through: a record's personal fields replaced by its signer's pseudonym.
GUARDS = f"""
CREATE OR REPLACE FUNCTION acknowledgements_signature_append_only() RETURNS trigger AS $$
DECLARE
    personal text[] := ARRAY['typed_name', 'ip_address', 'user_agent', 'pseudonymised_at'];
BEGIN
    IF TG_OP = 'UPDATE'
       AND OLD.pseudonymised_at IS NULL AND NEW.pseudonymised_at IS NOT NULL
       AND NEW.ip_address IS NULL AND NEW.user_agent = ''
       AND NEW.typed_name LIKE 'anon-%'
       AND NEW.typed_name = (SELECT employee_id FROM people_staffprofile WHERE id = NEW.person_id)
       AND (to_jsonb(NEW) - personal) = (to_jsonb(OLD) - personal)
    THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'signature records are append-only: % refused', TG_OP
        USING ERRCODE = 'integrity_constraint_violation';
END
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION acknowledgements_signatureauthentication_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE'
       AND (to_jsonb(NEW) - 'subject') = (to_jsonb(OLD) - 'subject')
       AND NEW.subject = (SELECT typed_name FROM {SIGNATURES} WHERE id = NEW.signature_id AND pseudonymised_at IS NOT NULL)
    THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'the rows of % are append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'integrity_constraint_violation';
END
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS {AUTHENTICATIONS}_append_only ON {AUTHENTICATIONS};
CREATE TRIGGER {AUTHENTICATIONS}_append_only BEFORE UPDATE OR DELETE ON {AUTHENTICATIONS}
    FOR EACH ROW EXECUTE FUNCTION acknowledgements_signatureauthentication_append_only();
"""  # noqa: S608

# Unapplied: both tables refuse every change again, through the shared guard (audit.guards).
PLAIN_GUARDS = "".join(
    drop_triggers(table, "append_only") + append_only(table) for table in (SIGNATURES, AUTHENTICATIONS)
) + (
    "DROP FUNCTION IF EXISTS acknowledgements_signature_append_only();\n"
    "DROP FUNCTION IF EXISTS acknowledgements_signatureauthentication_append_only();\n"
)


def _guards(sql: str) -> Any:
    def step(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, params=None)

    return step


def _commitment_column(verbose_name: str) -> models.CharField:
    return models.CharField(default="", max_length=64, verbose_name=verbose_name)


class Migration(migrations.Migration):
    dependencies = [("acknowledgements", "0013_kiosk_signing"), ("people", "0006_search_trigram_indexes")]

    operations = [
        migrations.AddField(
            model_name="signature",
            name="typed_name_commitment",
            field=_commitment_column("commitment to the name typed"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="signature",
            name="ip_address_commitment",
            field=_commitment_column("commitment to the IP address"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="signature",
            name="user_agent_commitment",
            field=_commitment_column("commitment to the browser"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="signature",
            name="pseudonymised_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="pseudonymised"),
        ),
        migrations.AddField(
            model_name="signatureauthentication",
            name="subject_commitment",
            field=_commitment_column("commitment to the subject"),
            preserve_default=False,
        ),
        migrations.RunPython(to_commitments, to_plain),
        migrations.RunPython(_guards(GUARDS), _guards(PLAIN_GUARDS)),
    ]
