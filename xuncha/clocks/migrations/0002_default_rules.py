"""The default deadline rules. They are configuration: the office checks them against the local
rules in force and edits them in the admin (每项时限均可由巡察办修改)."""

from django.db import migrations

DEFAULT_RULES = [
    {
        "code": "plan_due",
        "name": "整改方案报送时限",
        "anchor": "feedback",
        "amount": 15,
        "count_unit": "working_days",
        "roll_to_workday": False,
        "problem_warning": False,
        "source": (
            "参照各地巡察工作实施办法中“被巡察党组织收到反馈意见后，在规定期限内研究制定"
            "整改方案并报巡察办”的要求，默认按反馈后15个工作日计。各地期限不一，"
            "此为可修改的配置，请巡察办按本地现行规定核对。"
        ),
    },
    {
        "code": "report_due",
        "name": "整改情况报告报送时限",
        "anchor": "feedback",
        "amount": 2,
        "count_unit": "calendar_months",
        "roll_to_workday": True,
        "problem_warning": True,
        "source": (
            "参照《中国共产党巡视工作条例》关于被巡视（察）党组织在反馈后2个月内报送整改"
            "情况报告的规定，按自然月计算，期满日为休息日的顺延至下一工作日。"
            "此为可修改的配置，本地另有规定的请巡察办修改。"
        ),
    },
    {
        "code": "measure_due",
        "name": "整改措施完成时限",
        "anchor": "measure",
        "amount": 0,
        "count_unit": "calendar_days",
        "roll_to_workday": False,
        "problem_warning": True,
        "source": (
            "以经审核同意的整改方案（责任清单）中为该项措施确定的完成时限为准，不另行顺延。"
            "此为可修改的配置。"
        ),
    },
]


def create_default_rules(apps, schema_editor):
    DeadlineRule = apps.get_model("clocks", "DeadlineRule")
    for rule in DEFAULT_RULES:
        values = {key: value for key, value in rule.items() if key != "code"}
        DeadlineRule.objects.get_or_create(code=rule["code"], defaults=values)


def remove_default_rules(apps, schema_editor):
    DeadlineRule = apps.get_model("clocks", "DeadlineRule")
    DeadlineRule.objects.filter(
        code__in=[rule["code"] for rule in DEFAULT_RULES], deadlines__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("clocks", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(create_default_rules, remove_default_rules),
    ]
