"""The default rule for a problem's own deadline (问题整改时限), the subject "problem" that
``findings`` registers. Configuration like the other defaults: the office may edit it.

After this migration, run ``xuncha deadlines-refresh`` once to start the problems' clocks.
"""

from django.db import migrations

PROBLEM_RULE = {
    "code": "problem_due",
    "name": "问题整改时限",
    "subject": "problem",
    "anchor": "problem",
    "amount": 0,
    "count_unit": "calendar_days",
    "roll_to_workday": False,
    "counts_in_warnings": True,
    "supersedes": False,
    "source": (
        "以整改方案中为该问题确定的整改时限为准，不另行顺延；问题申请销号或已销号即为办结。"
        "此为可修改的配置。"
    ),
}


def create_problem_rule(apps, schema_editor):
    DeadlineRule = apps.get_model("clocks", "DeadlineRule")
    values = {key: value for key, value in PROBLEM_RULE.items() if key != "code"}
    DeadlineRule.objects.get_or_create(code=PROBLEM_RULE["code"], defaults=values)


def remove_problem_rule(apps, schema_editor):
    DeadlineRule = apps.get_model("clocks", "DeadlineRule")
    DeadlineRule.objects.filter(code=PROBLEM_RULE["code"], clocks__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("clocks", "0004_generic_clocks"),
    ]

    operations = [
        migrations.RunPython(create_problem_rule, remove_problem_rule),
    ]
