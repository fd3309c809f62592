"""An index of signatures by request that carries the language read.

The campaign page counts a version's signatures by the language read, joining each signed request
to its record. Records are wide (statement, hashes, user agent), so for this one short field
PostgreSQL read the whole table: 0.7 s at 1,500,000 signatures. With the language in the index, the
join is an index-only scan (the table is append-only, so its pages stay all-visible once vacuumed).
SQLite has no INCLUDE: there it is a plain index of the request.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("acknowledgements", "0011_request_version_status_due_index"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="signature",
            index=models.Index(fields=["request"], include=["language"], name="ack_signature_request_language"),
        ),
    ]
