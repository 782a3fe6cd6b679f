"""A plan's history rows move to the workflows' one history table (``core.StatusChange``)."""

from django.db import migrations


def events_to_status_changes(apps, schema_editor):
    PlanEvent = apps.get_model("rectification", "PlanEvent")
    StatusChange = apps.get_model("core", "StatusChange")
    StatusChange.objects.bulk_create(
        (
            StatusChange(
                workflow="plan",
                subject_id=event.plan_id,
                scope=f"assignment:{event.plan.assignment_id}",
                move=event.transition,
                from_status=event.from_status,
                to_status=event.to_status,
                actor_id=event.actor_id,
                reason=event.reason,
                at=event.at,
            )
            for event in PlanEvent.objects.select_related("plan").order_by("id")
        ),
        batch_size=2000,
    )


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0002_roles_per_function_and_status_changes"),
        ("rectification", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(events_to_status_changes, migrations.RunPython.noop),
        migrations.DeleteModel(name="PlanEvent"),
    ]
