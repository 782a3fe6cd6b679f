
from django.conf import settings
from django.db import migrations, models


def committee_from_rounds(apps, schema_editor):
    """A unit at the top of the tree belongs to the committee of the first round that
    inspected it (names were unique across the database until now, so this keeps them unique)."""
    Unit = apps.get_model("rounds", "Unit")
    Assignment = apps.get_model("rounds", "Assignment")
    for unit in Unit.objects.filter(parent__isnull=True).iterator():
        committee = (
            Assignment.objects.filter(unit=unit)
            .exclude(round__committee="")
            .order_by("round_id")
            .values_list("round__committee", flat=True)
            .first()
        )
        if committee:
            Unit.objects.filter(pk=unit.pk).update(committee=committee)


class Migration(migrations.Migration):

    dependencies = [
        ('rounds', '0002_authority_requests_reports'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='unit',
            name='committee',
            field=models.CharField(blank=True, help_text='巡察该单位的党委（顶层单位按党委区分同名单位）。', max_length=50, verbose_name='党委'),
        ),
        migrations.AlterField(
            model_name='unit',
            name='name',
            field=models.CharField(max_length=100, verbose_name='名称'),
        ),
        migrations.RunPython(committee_from_rounds, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='unit',
            constraint=models.UniqueConstraint(condition=models.Q(('parent__isnull', False)), fields=('parent', 'name'), name='unit_name_unique_among_siblings'),
        ),
        migrations.AddConstraint(
            model_name='unit',
            constraint=models.UniqueConstraint(condition=models.Q(('parent__isnull', True)), fields=('committee', 'name'), name='unit_name_unique_at_top'),
        ),
    ]
