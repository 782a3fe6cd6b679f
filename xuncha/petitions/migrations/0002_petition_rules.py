"""The default time limits of a petition (《信访工作条例》, 2022) and the one extension of 第34条.

Configuration, like the other default rules: the office checks them against the rules in force
locally and edits them (every change audited, the clocks recomputed). Counting follows the
clock engine: the day of the anchor is not counted, the period runs from the next day. The
regulation's 日 are calendar days; it says 工作日 where it means working days (第23条第3款).
It provides nowhere that a period whose last day is a day off runs on to the next working day,
so no rule rolls forward (``roll_to_workday`` False): a limit ending in a holiday ends there.

After this migration, run ``xuncha deadlines-refresh`` once to start the clocks of petitions
already registered.
"""

from django.db import migrations

NO_ROLL = "条例未规定期满日遇节假日顺延，期满日为节假日的不顺延。"
CALENDAR = "按自然日计，起算之日不计入、自次日起算；" + NO_ROLL
EDITABLE = "此为可修改的配置，请按本地现行规定核对。"

PETITION_RULES = [
    {
        "code": "petition-disposal",
        "name": "信访事项登记处理时限",
        "anchor": "received",
        "amount": 15,
        "count_unit": "calendar_days",
        "counts_in_warnings": True,
        "source": (
            "《信访工作条例》第22条：登记后15日内作出处理（受理、转送、交办等），"
            "记录处理决定即为办结。" + CALENDAR + EDITABLE
        ),
    },
    {
        "code": "petition-notice",
        "name": "书面告知信访人时限",
        "anchor": "received",
        "amount": 15,
        "count_unit": "calendar_days",
        "counts_in_warnings": True,
        "source": (
            "《信访工作条例》第23条第2款、第3款：登记后15日内向信访人书面告知收件情况及"
            "处理途径（能当场告知的当场告知），记录书面告知日期即为办结。无法书面告知的"
            "（匿名、未留姓名，或既无住址、电子邮件又非网上提出）不计此时限。" + CALENDAR + EDITABLE
        ),
    },
    {
        "code": "petition-objection",
        "name": "交办事项异议时限",
        "anchor": "assigned",
        "amount": 5,
        "count_unit": "working_days",
        "counts_in_warnings": False,
        "source": (
            "《信访工作条例》第23条第3款：交办来的事项不属本单位或本系统职权的，"
            "承办单位5个工作日内提出异议并说明理由。自交办之日起算，按工作日计"
            "（以国务院办公厅节假日安排为准，调休上班日计入），交办当日不计入。"
            "提出异议与否由承办单位决定，不计入预警；承办单位答复或事项进入后续环节即告结束。"
            + EDITABLE
        ),
    },
    {
        "code": "petition-handling",
        "name": "信访事项办结时限",
        "anchor": "decided",
        "amount": 60,
        "count_unit": "calendar_days",
        "counts_in_warnings": True,
        "source": (
            "《信访工作条例》第34条：第31条第6项事项（出具信访处理意见书）受理后60日内办结；"
            "复杂的经单位负责人批准可延长一次，至多30日，并须向信访人说明理由（见延期规则）。"
            "出具答复意见即为办结。" + CALENDAR + EDITABLE
        ),
    },
    {
        "code": "petition-review-request",
        "name": "信访人请求复查期限",
        "anchor": "delivered",
        "amount": 30,
        "count_unit": "calendar_days",
        "counts_in_warnings": False,
        "source": (
            "《信访工作条例》第35条：信访人收到书面答复后有30日可请求上一级复查。"
            "此为信访人的期限，不计入预警；收到复查请求或事项办结即告结束。" + CALENDAR + EDITABLE
        ),
    },
    {
        "code": "petition-review",
        "name": "复查意见时限",
        "anchor": "review_requested",
        "amount": 30,
        "count_unit": "calendar_days",
        "counts_in_warnings": True,
        "source": (
            "《信访工作条例》第35条：收到复查请求后30日内出具复查意见并书面答复，"
            "出具复查意见即为办结。" + CALENDAR + EDITABLE
        ),
    },
    {
        "code": "petition-recheck-request",
        "name": "信访人请求复核期限",
        "anchor": "review_delivered",
        "amount": 30,
        "count_unit": "calendar_days",
        "counts_in_warnings": False,
        "source": (
            "《信访工作条例》第36条第1款：信访人收到复查意见后有30日可请求再上一级复核。"
            "此为信访人的期限，不计入预警；收到复核请求或事项办结即告结束。" + CALENDAR + EDITABLE
        ),
    },
    {
        "code": "petition-recheck",
        "name": "复核意见时限",
        "anchor": "recheck_requested",
        "amount": 30,
        "count_unit": "calendar_days",
        "counts_in_warnings": True,
        "source": (
            "《信访工作条例》第36条：收到复核请求后30日内出具复核意见，出具即为办结；"
            "举行听证的，听证用时不算入（第36条第2款）：听证期间暂停计时，结束后恢复。"
            + CALENDAR
            + EDITABLE
        ),
    },
]

PETITION_EXTENSIONS = [
    {
        "code": "petition-handling-extension",
        "name": "信访事项办理期限延长",
        "rule": "petition-handling",
        "amount": 30,
        "count_unit": "calendar_days",
        "times": 1,
        "source": (
            "《信访工作条例》第34条：复杂事项经单位负责人批准可延长一次，至多30日，"
            "并须向信访人说明延期理由。按自然日计，自原期限届满之日续算；" + NO_ROLL + EDITABLE
        ),
    },
]


def create_petition_rules(apps, schema_editor):
    DeadlineRule = apps.get_model("clocks", "DeadlineRule")
    ExtensionRule = apps.get_model("clocks", "ExtensionRule")
    for rule in PETITION_RULES:
        values = {key: value for key, value in rule.items() if key != "code"}
        values.update(subject="petition", roll_to_workday=False, supersedes=False, active=True)
        DeadlineRule.objects.get_or_create(code=rule["code"], defaults=values)
    for extension in PETITION_EXTENSIONS:
        values = {key: value for key, value in extension.items() if key not in {"code", "rule"}}
        values["rule"] = DeadlineRule.objects.get(code=extension["rule"])
        values["active"] = True
        ExtensionRule.objects.get_or_create(code=extension["code"], defaults=values)


def remove_petition_rules(apps, schema_editor):
    """Remove the defaults nothing refers to yet (a rule with clocks, an extension granted,
    stays)."""
    DeadlineRule = apps.get_model("clocks", "DeadlineRule")
    ExtensionRule = apps.get_model("clocks", "ExtensionRule")
    ClockExtension = apps.get_model("clocks", "ClockExtension")
    granted = ClockExtension.objects.values("rule_id")
    ExtensionRule.objects.filter(
        code__in=[extension["code"] for extension in PETITION_EXTENSIONS]
    ).exclude(pk__in=granted).delete()
    DeadlineRule.objects.filter(
        code__in=[rule["code"] for rule in PETITION_RULES],
        clocks__isnull=True,
        extension_rules__isnull=True,
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("petitions", "0001_initial"),
        ("clocks", "0005_problem_deadline_rule"),
    ]

    operations = [
        migrations.RunPython(create_petition_rules, remove_petition_rules),
    ]
