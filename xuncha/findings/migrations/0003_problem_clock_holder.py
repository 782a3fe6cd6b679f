"""Problems store their nearest open deadline (written by the clock engine), and their history
rows move to the workflows' one history table (``core.StatusChange``)."""

import django.db.models.deletion
from django.db import migrations, models


def events_to_status_changes(apps, schema_editor):
    ProblemEvent = apps.get_model("findings", "ProblemEvent")
    StatusChange = apps.get_model("core", "StatusChange")
    rows = []
    for event in ProblemEvent.objects.order_by("id").iterator(chunk_size=2000):
        rows.append(
            StatusChange(
                workflow="measure" if event.measure_id else "problem",
                subject_id=event.measure_id or event.problem_id,
                scope=f"problem:{event.problem_id}",
                move=event.transition.removeprefix("measure."),
                from_status=event.from_status,
                to_status=event.to_status,
                actor_id=event.actor_id,
                reason=event.reason,
                at=event.at,
            )
        )
    StatusChange.objects.bulk_create(rows, batch_size=2000)


class Migration(migrations.Migration):

    dependencies = [
        ("clocks", "0004_generic_clocks"),
        ("core", "0002_roles_per_function_and_status_changes"),
        ("findings", "0002_alter_problem_status"),
    ]

    operations = [
        migrations.RunPython(events_to_status_changes, migrations.RunPython.noop),
        migrations.DeleteModel(name="ProblemEvent"),
        migrations.AddField(
            model_name="problem",
            name="nearest_due",
            field=models.DateField(blank=True, db_index=True, null=True, verbose_name="最近时限"),
        ),
        migrations.AddField(
            model_name="problem",
            name="nearest_holidays_known",
            field=models.BooleanField(default=True, verbose_name="最近时限节假日已知"),
        ),
        migrations.AddField(
            model_name="problem",
            name="nearest_kind",
            field=models.CharField(blank=True, max_length=24, verbose_name="最近时限对象"),
        ),
        migrations.AddField(
            model_name="problem",
            name="nearest_paused",
            field=models.BooleanField(default=False, verbose_name="最近时限暂停"),
        ),
        migrations.AddField(
            model_name="problem",
            name="nearest_rule",
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="clocks.deadlinerule", verbose_name="最近时限规则"),
        ),
        migrations.AddIndex(
            model_name="problem",
            index=models.Index(
                fields=["assignment", "nearest_due", "nearest_paused", "status"],
                name="problem_assignment_due",
            ),
        ),
    ]
