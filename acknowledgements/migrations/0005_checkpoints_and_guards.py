"""Signature records get a MAC under the checkpoint key; checkpoints of the chain; database guards.

Records signed before this migration get their MAC here, from the key the portal has now: run
`manage.py verify_signatures` before migrating, so that only an intact chain is vouched for.
Signatures and checkpoints cannot be emptied with TRUNCATE, and checkpoints are append-only
(PostgreSQL; SQLite relies on the models).
"""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings
from django.db import migrations, models

from audit.guards import append_only, drop_triggers, on_postgresql, refuse_truncate

SIGNATURES = "acknowledgements_signature"
CHECKPOINTS = "acknowledgements_signaturecheckpoint"


def _key() -> bytes:
    # The same key as acknowledgements.chain.checkpoint_key(), which a migration must not import
    # (it would follow the model as it is today, not as it is at this step).
    if settings.SIGNATURE_CHECKPOINT_KEY:
        return str(settings.SIGNATURE_CHECKPOINT_KEY).encode()
    return hmac.new(settings.SECRET_KEY.encode(), b"conduct_portal.signature-checkpoint-key", hashlib.sha256).digest()


def give_existing_records_a_mac(apps, schema_editor):
    Signature = apps.get_model("acknowledgements", "Signature")
    key = _key()
    postgresql = schema_editor.connection.vendor == "postgresql"
    with schema_editor.connection.cursor() as cursor:
        if postgresql:
            cursor.execute(f"ALTER TABLE {SIGNATURES} DISABLE TRIGGER acknowledgements_signature_append_only")
        for pk, record_hash in Signature.objects.order_by("sequence").values_list("pk", "record_hash").iterator():
            mac = hmac.new(key, f"signature:{record_hash}".encode(), hashlib.sha256).hexdigest()
            cursor.execute(f"UPDATE {SIGNATURES} SET record_mac = %s WHERE id = %s", [mac, pk])  # noqa: S608
        if postgresql:
            cursor.execute(f"ALTER TABLE {SIGNATURES} ENABLE TRIGGER acknowledgements_signature_append_only")


class Migration(migrations.Migration):
    dependencies = [
        ("acknowledgements", "0004_request_states"),
        ("audit", "0002_database_guards"),
    ]

    operations = [
        migrations.AddField(
            model_name="signature",
            name="record_mac",
            field=models.CharField(default="", max_length=64, verbose_name="record MAC"),
            preserve_default=False,
        ),
        migrations.RunPython(give_existing_records_a_mac, migrations.RunPython.noop),
        migrations.CreateModel(
            name="SignatureCheckpoint",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("created_at", models.DateTimeField(verbose_name="time")),
                ("count", models.PositiveBigIntegerField(verbose_name="records")),
                ("head_sequence", models.PositiveBigIntegerField(null=True, verbose_name="last record")),
                ("head_hash", models.CharField(max_length=64, verbose_name="last record's hash")),
                ("mac", models.CharField(max_length=64, verbose_name="MAC")),
            ],
            options={
                "verbose_name": "signature checkpoint",
                "verbose_name_plural": "signature checkpoints",
                "ordering": ["-created_at", "-pk"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("count", 0), ("head_sequence__isnull", True))
                        | models.Q(("count__gt", 0), ("head_sequence__isnull", False)),
                        name="acknowledgements_signaturecheckpoint_head_iff_records",
                    )
                ],
            },
        ),
        on_postgresql(
            [refuse_truncate(SIGNATURES), append_only(CHECKPOINTS), refuse_truncate(CHECKPOINTS)],
            [drop_triggers(SIGNATURES, "no_truncate"), drop_triggers(CHECKPOINTS, "append_only", "no_truncate")],
        ),
    ]
