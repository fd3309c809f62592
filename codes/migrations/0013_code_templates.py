"""Templates of code documents: administrators save published versions as templates and look after them
in the Django admin. The built-in templates are loaded from codes/templates_library/builtin/ after every
migrate (codes.apps), not by this migration, so that they follow the files."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from common.permission_grants import grant_to_roles


class Migration(migrations.Migration):

    dependencies = [
        ('codes', '0012_translation_permissions'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='CodeTemplate',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=200, verbose_name='name')),
                ('description', models.TextField(blank=True, verbose_name='description')),
                ('language', models.CharField(choices=[('en', 'English'), ('ro', 'Romanian')], max_length=8, verbose_name='language')),
                ('sections', models.JSONField(default=list, verbose_name='sections')),
                ('builtin_key', models.SlugField(blank=True, max_length=80, verbose_name='built-in template')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='changed')),
                ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='saved by')),
                ('source_version', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='codes.codeversion', verbose_name='saved from version')),
            ],
            options={
                'verbose_name': 'code template',
                'verbose_name_plural': 'code templates',
                'ordering': ['name', 'language', 'pk'],
                'constraints': [models.UniqueConstraint(condition=models.Q(('builtin_key', ''), _negated=True), fields=('builtin_key', 'language'), name='codes_codetemplate_one_builtin_per_language')],
            },
        ),
        grant_to_roles(
            {
                "Administrator": [
                    "codes.view_codetemplate",
                    "codes.add_codetemplate",
                    "codes.change_codetemplate",
                    "codes.delete_codetemplate",
                ]
            }
        ),
    ]
