from django.db import migrations

from common.permission_grants import grant_to_roles


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0002_roles"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="staffprofile",
            options={
                "ordering": ["user__last_name", "user__first_name", "employee_id"],
                "permissions": [
                    ("view_team", "Can see their own team"),
                    ("view_organisation", "Can see every department and person"),
                    ("import_staff", "Can import staff from an HR file"),
                ],
                "verbose_name": "staff profile",
                "verbose_name_plural": "staff profiles",
            },
        ),
        # Administrators keep the staff records; importing HR's file is part of that.
        grant_to_roles({"Administrator": ["people.import_staff"]}),
    ]
