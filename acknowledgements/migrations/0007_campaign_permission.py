"""Campaigns: compliance officers may remind a campaign's pending people and extend its deadline."""

from django.db import migrations

from common.permission_grants import grant_to_roles


class Migration(migrations.Migration):

    dependencies = [
        ('acknowledgements', '0006_signature_authentication'),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='acknowledgementrequest',
            options={'ordering': ['due_date', 'pk'], 'permissions': [('view_all_acknowledgements', "Can see everyone's acknowledgements"), ('waive_acknowledgementrequest', 'Can waive an acknowledgement request'), ('export_acknowledgements', 'Can export acknowledgement reports'), ('verify_signatures', 'Can verify the signature records'), ('manage_campaigns', 'Can remind the pending people of a campaign and extend its deadline')], 'verbose_name': 'acknowledgement request', 'verbose_name_plural': 'acknowledgement requests'},
        ),
        grant_to_roles({"Compliance officer": ["acknowledgements.manage_campaigns"]}),
    ]
