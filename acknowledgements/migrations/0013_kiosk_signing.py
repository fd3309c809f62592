"""Kiosk signing: kiosk sessions, and a signature's method, witness and device.

The signature's new columns are added with database defaults (signed in the portal, no device) or null (no
witness): PostgreSQL adds them without rewriting a row, so the append-only trigger (which refuses UPDATE) is
never asked, and no record's hash changes. A signer's authentication may now be a kiosk PIN or code.
Managers may open a kiosk and witness their people's signatures.
"""

import django.db.models.deletion
from django.db import migrations, models

from common.permission_grants import grant_to_roles


class Migration(migrations.Migration):

    dependencies = [
        ('acknowledgements', '0012_signature_request_language_index'),
        ('codes', '0017_every_section_displayed_guard'),
        ('people', '0007_kiosk_people'),
    ]

    operations = [
        migrations.CreateModel(
            name='KioskSession',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('device', models.CharField(max_length=100, verbose_name='device')),
                ('token_hash', models.CharField(max_length=64, unique=True, verbose_name='device token (hashed)')),
                ('opened_at', models.DateTimeField(verbose_name='opened')),
                ('last_seen_at', models.DateTimeField(verbose_name='last used')),
                ('ended_at', models.DateTimeField(blank=True, null=True, verbose_name='ended')),
                ('end', models.CharField(blank=True, choices=[('ended', 'ended by the supervisor'), ('timed-out', 'timed out')], max_length=16, verbose_name='how it ended')),
                ('failures', models.PositiveSmallIntegerField(default=0, verbose_name='wrong tries in a row')),
                ('locked_until', models.DateTimeField(blank=True, null=True, verbose_name='locked until')),
            ],
            options={
                'verbose_name': 'kiosk session',
                'verbose_name_plural': 'kiosk sessions',
                'ordering': ['-opened_at', '-pk'],
                'permissions': [('open_kiosk', 'Can open a kiosk and witness signatures of staff without a sign-in')],
            },
        ),
        migrations.RemoveConstraint(
            model_name='signatureauthentication',
            name='acknowledgements_signatureauthentication_fields_of_method',
        ),
        migrations.AddField(
            model_name='signature',
            name='device',
            field=models.CharField(blank=True, db_default='', max_length=100, verbose_name='device'),
        ),
        migrations.AddField(
            model_name='signature',
            name='method',
            field=models.CharField(choices=[('portal', 'in the portal'), ('kiosk', 'at a kiosk, witnessed')], db_default='portal', max_length=8, verbose_name='signed'),
        ),
        migrations.AddField(
            model_name='signature',
            name='witness',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='witnessed_signatures', to='people.staffprofile', verbose_name='witness'),
        ),
        migrations.AlterField(
            model_name='signatureauthentication',
            name='method',
            field=models.CharField(choices=[('password', 'password'), ('provider', 'sign-in provider'), ('kiosk', 'PIN or one-time code at a kiosk')], max_length=20, verbose_name='method'),
        ),
        migrations.AddConstraint(
            model_name='signature',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('device', ''), ('method', 'portal'), ('witness__isnull', True)), models.Q(('method', 'kiosk'), ('witness__isnull', False), models.Q(('device', ''), _negated=True)), _connector='OR'), name='acknowledgements_signature_witness_of_kiosk'),
        ),
        migrations.AddConstraint(
            model_name='signatureauthentication',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('authenticated_at__isnull', True), ('method__in', ['password', 'kiosk']), ('provider', ''), ('subject', '')), models.Q(('authenticated_at__isnull', False), ('method', 'provider'), models.Q(('provider', ''), _negated=True), models.Q(('subject', ''), _negated=True)), _connector='OR'), name='acknowledgements_signatureauthentication_fields_of_method'),
        ),
        migrations.AddField(
            model_name='kiosksession',
            name='person',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='people.staffprofile', verbose_name='person identified'),
        ),
        migrations.AddField(
            model_name='kiosksession',
            name='supervisor',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='kiosks', to='people.staffprofile', verbose_name='supervisor'),
        ),
        migrations.AddConstraint(
            model_name='kiosksession',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('end', ''), ('ended_at__isnull', True)), models.Q(('ended_at__isnull', False), ('person__isnull', True), models.Q(('end', ''), _negated=True)), _connector='OR'), name='acknowledgements_kiosksession_ended_empty'),
        ),
        grant_to_roles({"Manager": ["acknowledgements.open_kiosk"]}),
    ]
