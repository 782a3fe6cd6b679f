"""Store what each money outcome counts, read from its clause when it is stored.

The notice used to classify money by its subject alone, which loses the verb at a 的
(追回违规使用的医保基金 → 医保基金); existing outcomes are classified again from their measure's
text.
"""

from django.db import migrations, models

from xuncha.text.notice import money_category_at


def money_classify(apps, schema_editor):
    Outcome = apps.get_model("findings", "Outcome")
    changed = []
    outcomes = Outcome.objects.filter(kind="money").select_related("measure").order_by("pk")
    for outcome in outcomes.iterator(chunk_size=2000):
        outcome.money_category = money_category_at(
            outcome.measure.text, outcome.start, outcome.end, outcome.subject
        )
        changed.append(outcome)
        if len(changed) >= 2000:
            Outcome.objects.bulk_update(changed, ["money_category"])
            changed = []
    Outcome.objects.bulk_update(changed, ["money_category"])


class Migration(migrations.Migration):
    dependencies = [
        ("findings", "0004_accountability_parts"),
    ]

    operations = [
        migrations.AddField(
            model_name="outcome",
            name="money_category",
            field=models.CharField(
                blank=True,
                help_text="What a money amount counts (refunded, found …), read from its clause.",
                max_length=16,
                verbose_name="资金类别",
            ),
        ),
        migrations.RunPython(money_classify, migrations.RunPython.noop),
    ]
