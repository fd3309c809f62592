# Reminders are claimed once per due date, so that a deadline extended (or a document's next review)
# starts the stages again.

from django.conf import settings
from django.db import migrations, models
from django.db.models import OuterRef, Q, Subquery

# The stages counted from a due date, as reminders/models.py names them ("before-7" and the like).
DATED_STAGES = Q(stage__startswith="before-") | Q(stage__in=["overdue", "escalated", "overdue-copy"])


def date_the_sent_reminders(apps, schema_editor):
    """Each reminder already claimed is taken to be about its object's current due date: the stages
    already sent for it are not sent again, and only a deadline moved after this migration starts them
    anew. Three UPDATEs, whatever the size of the log."""
    ReminderLog = apps.get_model("reminders", "ReminderLog")
    due_dates = {
        "acknowledgement": (apps.get_model("acknowledgements", "AcknowledgementRequest"), "due_date"),
        "training": (apps.get_model("training", "Assignment"), "due_date"),
        "review": (apps.get_model("codes", "CodeDocument"), "next_review_due"),
    }
    for kind, (model, field) in due_dates.items():
        due = model.objects.filter(pk=OuterRef("object_id")).values(field)[:1]
        ReminderLog.objects.filter(DATED_STAGES, kind=kind).update(due_date=Subquery(due))


class Migration(migrations.Migration):
    dependencies = [
        ("reminders", "0004_workflow_notifications"),
        ("acknowledgements", "0007_campaign_permission"),
        ("training", "0004_completion_external_id"),
        ("codes", "0009_section_search_indexes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="reminderlog",
            name="due_date",
            field=models.DateField(blank=True, null=True, verbose_name="due date"),
        ),
        migrations.RunPython(date_the_sent_reminders, migrations.RunPython.noop),
        migrations.RemoveConstraint(
            model_name="reminderlog",
            name="reminders_reminderlog_once",
        ),
        migrations.AddConstraint(
            model_name="reminderlog",
            constraint=models.UniqueConstraint(
                condition=models.Q(("due_date__isnull", True)),
                fields=("kind", "object_id", "recipient", "stage"),
                name="reminders_reminderlog_once",
            ),
        ),
        migrations.AddConstraint(
            model_name="reminderlog",
            constraint=models.UniqueConstraint(
                condition=models.Q(("due_date__isnull", False)),
                fields=("kind", "object_id", "recipient", "stage", "due_date"),
                name="reminders_reminderlog_once_per_due_date",
            ),
        ),
    ]
