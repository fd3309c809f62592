"""Sessions record who planned them, so that only the planner (or someone who oversees all training)
cancels one. Sessions planned before this migration take their planner from the audit log."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.db.models import OuterRef, Subquery
from django.db.models.functions import Cast


def planners_from_the_audit_log(apps, schema_editor):
    session_model = apps.get_model("training", "TrainingSession")
    events = apps.get_model("audit", "AuditEvent").objects.filter(
        action="training.session.create", object_type="training.trainingsession", actor__isnull=False
    )
    planner = events.filter(object_id=Cast(OuterRef("pk"), models.CharField())).order_by("pk").values("actor_id")[:1]
    session_model.objects.filter(created_by__isnull=True).update(created_by_id=Subquery(planner))


class Migration(migrations.Migration):
    dependencies = [
        ("training", "0002_role_permissions"),
        ("audit", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="trainingsession",
            name="created_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="planned by",
            ),
        ),
        migrations.RunPython(planners_from_the_audit_log, migrations.RunPython.noop),
    ]
