"""Requests keep only the indexes their queries use.

Every request a publication writes, and every one it supersedes (an UPDATE of the status, so not a
heap-only one), adds an entry to each index of the table. Three of them served nothing the others do
not: the person's own index (the unique (person, version) index begins with the person), the version's
(the (version, status, due date) index begins with the version), and who waived, which indexed the
NULL of nearly every request. The last is now partial, over the waived requests alone.

Only the indexes change: the foreign keys stay as they are. Django's own AlterField would drop and
add each foreign key again, which checks every request anew under a lock that stops every write to
the table; the index names below are the ones Django gave them (from the table and column names).
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

TABLE = "acknowledgements_acknowledgementrequest"
OLD_INDEXES = {
    "acknowledgements_acknowledgementrequest_person_id_cefe84d3": "person_id",
    "acknowledgements_acknowledgementrequest_version_id_456f3651": "version_id",
    "acknowledgements_acknowledgementrequest_waived_by_id_9e1d0374": "waived_by_id",
}


class Migration(migrations.Migration):
    dependencies = [
        ("acknowledgements", "0014_personal_field_commitments"),
        ("codes", "0017_every_section_displayed_guard"),
        ("people", "0007_kiosk_people"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="acknowledgementrequest",
                    name="person",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="acknowledgement_requests",
                        to="people.staffprofile",
                        verbose_name="person",
                    ),
                ),
                migrations.AlterField(
                    model_name="acknowledgementrequest",
                    name="version",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="acknowledgement_requests",
                        to="codes.codeversion",
                        verbose_name="version",
                    ),
                ),
                migrations.AlterField(
                    model_name="acknowledgementrequest",
                    name="waived_by",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="waived by",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    sql=f'DROP INDEX IF EXISTS "{name}"',
                    reverse_sql=f'CREATE INDEX IF NOT EXISTS "{name}" ON "{TABLE}" ("{column}")',
                )
                for name, column in OLD_INDEXES.items()
            ],
        ),
        migrations.AddIndex(
            model_name="acknowledgementrequest",
            index=models.Index(
                condition=models.Q(("waived_by__isnull", False)), fields=["waived_by"], name="ack_request_waived_by_idx"
            ),
        ),
    ]
