"""Accountability rows name every kind their count covers, and parts (其中…) point at their
count, so that a notice counts each person once. Existing rows are re-read from their
measure's text, as ``outcomes_refresh`` does, since they are derived from it; so are the
measures whose text names a sanction, which may now state one (约谈 is new)."""

from functools import reduce
from operator import or_

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import Q

from xuncha.text.outcomes import find_accountability

# Every sanction the finder knows contains one of these.
SANCTION_WORDS = ("问责", "追责", "批评", "书面检", "诫勉", "谈话", "约谈", "组织处理", "处分")
CHUNK = 500


def accountability_reread(apps, schema_editor):
    Accountability = apps.get_model("findings", "Accountability")
    Measure = apps.get_model("findings", "Measure")
    named = reduce(or_, (Q(text__contains=word) for word in SANCTION_WORDS))
    ids = list(
        Measure.objects.filter(named | Q(accountabilities__isnull=False))
        .values_list("pk", flat=True)
        .distinct()
    )
    for chunk in range(0, len(ids), CHUNK):
        for measure in Measure.objects.filter(pk__in=ids[chunk : chunk + CHUNK]).only("text"):
            Accountability.objects.filter(measure=measure).delete()
            rows = []
            for fact in find_accountability(measure.text):
                row = Accountability(
                    measure=measure,
                    kind=fact.kind[:64],
                    kinds=list(fact.kinds),
                    people=fact.people,
                    unit=fact.unit,
                    source_text=fact.text[:200],
                    start=fact.start,
                    end=fact.end,
                    part_of=None if fact.part_of is None else rows[fact.part_of],
                )
                row.save()
                rows.append(row)


class Migration(migrations.Migration):

    dependencies = [
        ('findings', '0003_problem_clock_holder'),
    ]

    operations = [
        migrations.AddField(
            model_name='accountability',
            name='kinds',
            field=models.JSONField(blank=True, default=list, verbose_name='涉及方式'),
        ),
        migrations.AddField(
            model_name='accountability',
            name='part_of',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='parts', to='findings.accountability', verbose_name='所属总数'),
        ),
        migrations.AlterField(
            model_name='accountability',
            name='kind',
            field=models.CharField(max_length=64, verbose_name='方式'),
        ),
        migrations.RunPython(accountability_reread, migrations.RunPython.noop),
    ]
