"""Signatures record the language of the text read; their content hash is that text's (a translation's, when
one was read).

The column is added with a database default, English: every record written before it was of a version in
English, the one language a version had. PostgreSQL adds such a column without rewriting a row, so the
append-only trigger (which refuses UPDATE) is never asked, and no record's hash changes: the language is not
one of the hashed fields.
"""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('acknowledgements', '0007_campaign_permission'),
    ]

    operations = [
        migrations.AddField(
            model_name='signature',
            name='language',
            field=models.CharField(choices=[('en', 'English'), ('ro', 'Romanian')], db_default='en', max_length=8, verbose_name='language read'),
        ),
        migrations.AlterField(
            model_name='signature',
            name='content_hash',
            field=models.CharField(max_length=64, verbose_name='content hash of the text read'),
        ),
    ]
