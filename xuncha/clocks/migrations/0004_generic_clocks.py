"""Clocks on any subject: each rule names the kind of record it runs on; the computed deadlines
become clocks that can be paused and extended.

The clocks themselves are derived from the subjects' data: after this migration, run
``xuncha deadlines-refresh`` once to compute them (``make run`` does).
"""

import django.core.validators
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

SUBJECT_BY_ANCHOR = {"measure": "measure", "verdict": "verdict", "feedback": "report"}


def rule_subjects(apps, schema_editor):
    DeadlineRule = apps.get_model("clocks", "DeadlineRule")
    for rule in DeadlineRule.objects.all():
        rule.subject = "plan" if rule.code == "plan_due" else SUBJECT_BY_ANCHOR.get(rule.anchor, "")
        rule.supersedes = rule.anchor == "verdict"
        rule.save(update_fields=["subject", "supersedes"])


class Migration(migrations.Migration):

    dependencies = [
        ("clocks", "0003_verdict_deadlines"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameField(
            model_name="deadlinerule", old_name="problem_warning", new_name="counts_in_warnings"
        ),
        migrations.AlterField(
            model_name="deadlinerule",
            name="counts_in_warnings",
            field=models.BooleanField(default=True, help_text="本时限是否计入其所属记录（及其下各问题）的预警颜色（整改方案时限一般不计入）。", verbose_name="计入预警"),
        ),
        migrations.AddField(
            model_name="deadlinerule",
            name="subject",
            field=models.CharField(default="", max_length=24, verbose_name="适用对象"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="deadlinerule",
            name="supersedes",
            field=models.BooleanField(default=False, help_text="计时中时取代同一记录的其他时限（如回访认定的再整改时限）。", verbose_name="取代其他时限"),
        ),
        migrations.AlterField(
            model_name="deadlinerule",
            name="anchor",
            field=models.CharField(max_length=24, verbose_name="起算依据"),
        ),
        migrations.RunPython(rule_subjects, migrations.RunPython.noop),
        migrations.CreateModel(
            name="Clock",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("subject_type", models.CharField(max_length=24, verbose_name="对象类型")),
                ("subject_id", models.PositiveBigIntegerField(verbose_name="对象编号")),
                ("holder_type", models.CharField(max_length=24, verbose_name="所属类型")),
                ("holder_id", models.PositiveBigIntegerField(verbose_name="所属编号")),
                ("start", models.DateField(verbose_name="起算日")),
                ("due", models.DateField(blank=True, null=True, verbose_name="截止日")),
                ("state", models.CharField(choices=[("running", "计时中"), ("paused", "暂停"), ("met", "已办结")], default="running", max_length=16, verbose_name="状态")),
                ("holidays_known", models.BooleanField(default=True, verbose_name="节假日已知")),
                ("computed_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="计算时间")),
                ("rule", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="clocks", to="clocks.deadlinerule", verbose_name="规则")),
            ],
            options={
                "verbose_name": "时限",
                "verbose_name_plural": "时限",
                "ordering": ["due", "id"],
                "indexes": [
                    models.Index(fields=["subject_type", "subject_id"], name="clock_subject"),
                    models.Index(fields=["holder_type", "holder_id"], name="clock_holder"),
                    models.Index(fields=["state", "due"], name="clock_state_due"),
                ],
                "constraints": [
                    models.UniqueConstraint(fields=("rule", "subject_type", "subject_id"), name="clock_unique_per_subject"),
                    models.CheckConstraint(condition=models.Q(("state", "paused"), ("due__isnull", False), _connector="OR"), name="clock_due_unless_paused"),
                ],
            },
        ),
        migrations.CreateModel(
            name="ClockPause",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("start", models.DateField(verbose_name="暂停日")),
                ("end", models.DateField(blank=True, null=True, verbose_name="恢复日")),
                ("reason", models.TextField(verbose_name="理由")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="记录时间")),
                ("clock", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="pauses", to="clocks.clock", verbose_name="时限")),
                ("paused_by", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL, verbose_name="操作人")),
            ],
            options={
                "verbose_name": "暂停计时",
                "verbose_name_plural": "暂停计时",
                "ordering": ["clock_id", "start", "id"],
                "constraints": [
                    models.CheckConstraint(condition=models.Q(("end__isnull", True), ("end__gte", models.F("start")), _connector="OR"), name="clock_pause_ends_after_start"),
                ],
            },
        ),
        migrations.CreateModel(
            name="ExtensionRule",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("code", models.SlugField(max_length=40, unique=True, verbose_name="代码")),
                ("name", models.CharField(max_length=100, verbose_name="名称")),
                ("amount", models.PositiveIntegerField(validators=[django.core.validators.MaxValueValidator(3660)], verbose_name="最多延长")),
                ("count_unit", models.CharField(choices=[("calendar_days", "自然日"), ("calendar_months", "自然月"), ("working_days", "工作日")], max_length=20, verbose_name="计算单位")),
                ("times", models.PositiveSmallIntegerField(default=1, verbose_name="最多延长次数")),
                ("source", models.TextField(blank=True, verbose_name="依据")),
                ("active", models.BooleanField(default=True, verbose_name="启用")),
                ("rule", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="extension_rules", to="clocks.deadlinerule", verbose_name="可延长的时限")),
            ],
            options={
                "verbose_name": "延期规则",
                "verbose_name_plural": "延期规则",
                "ordering": ["code"],
            },
        ),
        migrations.CreateModel(
            name="ClockExtension",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("amount", models.PositiveIntegerField(verbose_name="延长")),
                ("reason", models.TextField(verbose_name="理由")),
                ("approval_type", models.CharField(max_length=64, verbose_name="批准记录类型")),
                ("approval_id", models.CharField(max_length=64, verbose_name="批准记录编号")),
                ("granted_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="批准时间")),
                ("approved_by", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL, verbose_name="批准人")),
                ("clock", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="extensions", to="clocks.clock", verbose_name="时限")),
                ("rule", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+", to="clocks.extensionrule", verbose_name="延期规则")),
            ],
            options={
                "verbose_name": "延长时限",
                "verbose_name_plural": "延长时限",
                "ordering": ["clock_id", "granted_at", "id"],
            },
        ),
        migrations.DeleteModel(name="Deadline"),
    ]
