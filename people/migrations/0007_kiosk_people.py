"""Staff without a sign-in, who identify at a kiosk with a PIN or one-time code (people/kiosk.py).

`signs_in` is added with a database default (true): every existing person signs in, and no row is rewritten.
Managers (for their team) and administrators add such people and issue their PINs and codes.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from common.permission_grants import grant_to_roles


class Migration(migrations.Migration):

    dependencies = [
        ('people', '0006_search_trigram_indexes'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='staffprofile',
            options={'ordering': ['user__last_name', 'user__first_name', 'employee_id'], 'permissions': [('view_team', 'Can see their own team'), ('view_organisation', 'Can see every department and person'), ('import_staff', 'Can import staff from an HR file'), ('manage_kiosk_people', 'Can add staff without a sign-in and issue their kiosk PINs and codes')], 'verbose_name': 'staff profile', 'verbose_name_plural': 'staff profiles'},
        ),
        migrations.AddField(
            model_name='staffprofile',
            name='signs_in',
            field=models.BooleanField(db_default=True, default=True, help_text='Untick for staff who sign only at a kiosk, witnessed by their supervisor.', verbose_name='signs in to the portal'),
        ),
        migrations.CreateModel(
            name='KioskCredential',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('pin_hash', models.CharField(blank=True, max_length=128, verbose_name='PIN (hashed)')),
                ('code_hash', models.CharField(blank=True, max_length=128, verbose_name='one-time code (hashed)')),
                ('code_expires_at', models.DateTimeField(blank=True, null=True, verbose_name='code expires')),
                ('failures', models.PositiveSmallIntegerField(default=0, verbose_name='wrong tries in a row')),
                ('locked_until', models.DateTimeField(blank=True, null=True, verbose_name='locked until')),
                ('issued_at', models.DateTimeField(blank=True, null=True, verbose_name='last issued')),
                ('issued_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='last issued by')),
                ('person', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='kiosk_credential', to='people.staffprofile', verbose_name='person')),
            ],
            options={
                'verbose_name': 'kiosk credential',
                'verbose_name_plural': 'kiosk credentials',
                'constraints': [models.CheckConstraint(condition=models.Q(models.Q(('code_expires_at__isnull', True), ('code_hash', '')), models.Q(models.Q(('code_hash', ''), _negated=True), ('code_expires_at__isnull', False)), _connector='OR'), name='people_kioskcredential_code_expires')],
            },
        ),
        grant_to_roles({"Manager": ["people.manage_kiosk_people"], "Administrator": ["people.manage_kiosk_people"]}),
    ]
