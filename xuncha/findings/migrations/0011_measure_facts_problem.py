"""Outcomes, people held to account and rules name their measure's problem (see MeasureFact).

Added as nullable, filled from each row's measure in one UPDATE per table, then made required.
"""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery

FACTS = ("outcome", "accountability", "regulation")


def fill_problems(apps, schema_editor):  # type: ignore[no-untyped-def]
    Measure = apps.get_model("findings", "Measure")
    problem_of_measure = Measure.objects.filter(pk=OuterRef("measure_id")).values("problem_id")
    for name in FACTS:
        model = apps.get_model("findings", name)
        model.objects.update(problem_id=Subquery(problem_of_measure[:1]))


def field(null: bool) -> models.ForeignKey:  # type: ignore[type-arg]
    return models.ForeignKey(
        editable=False,
        null=null,
        on_delete=django.db.models.deletion.CASCADE,
        related_name="+",
        to="findings.problem",
        verbose_name="问题",
    )


class Migration(migrations.Migration):
    dependencies = [
        ("findings", "0010_problem_assignment_ids"),
    ]

    operations = [
        *(migrations.AddField(model_name=name, name="problem", field=field(True)) for name in FACTS),
        migrations.RunPython(fill_problems, migrations.RunPython.noop),
        *(
            migrations.AlterField(model_name=name, name="problem", field=field(False))
            for name in FACTS
        ),
    ]
