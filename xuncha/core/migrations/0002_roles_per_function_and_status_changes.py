"""Roles per function (a person may hold several, in several functions) and one history table
for every workflow. Each profile's single role becomes a grant in the rectification function."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

RECTIFICATION_ROLES = ["office", "group", "unit", "supervisor"]


def grants_from_profiles(apps, schema_editor):
    Profile = apps.get_model("core", "Profile")
    RoleGrant = apps.get_model("core", "RoleGrant")
    RoleGrant.objects.bulk_create(
        RoleGrant(user_id=profile.user_id, function="rectification", role=profile.role)
        for profile in Profile.objects.exclude(role="")
        if profile.role in RECTIFICATION_ROLES
    )


def profiles_from_grants(apps, schema_editor):
    Profile = apps.get_model("core", "Profile")
    RoleGrant = apps.get_model("core", "RoleGrant")
    for grant in RoleGrant.objects.filter(function="rectification").order_by("id"):
        Profile.objects.filter(user_id=grant.user_id, role="").update(role=grant.role)


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="RoleGrant",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("function", models.CharField(choices=[("rectification", "巡察整改"), ("petitions", "信访")], max_length=16, verbose_name="业务")),
                ("role", models.CharField(choices=[("office", "巡察办"), ("group", "巡察组"), ("unit", "被巡察单位联络员"), ("supervisor", "纪委监委/组织部"), ("petition_staff", "信访工作人员"), ("petition_handler", "信访承办人")], max_length=24, verbose_name="角色")),
                ("granted_at", models.DateTimeField(auto_now_add=True, verbose_name="授予时间")),
                ("user", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="role_grants", to=settings.AUTH_USER_MODEL, verbose_name="用户")),
            ],
            options={
                "verbose_name": "用户角色",
                "verbose_name_plural": "用户角色",
                "ordering": ["user_id", "function", "role"],
                "constraints": [
                    models.UniqueConstraint(fields=("user", "function", "role"), name="role_grant_unique"),
                    models.CheckConstraint(
                        condition=models.Q(models.Q(("function", "rectification"), ("role__in", ["office", "group", "unit", "supervisor"])), models.Q(("function", "petitions"), ("role__in", ["petition_staff", "petition_handler"])), _connector="OR"),
                        name="role_in_its_function",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="StatusChange",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("workflow", models.CharField(max_length=32, verbose_name="流程")),
                ("subject_id", models.PositiveBigIntegerField(verbose_name="对象编号")),
                ("scope", models.CharField(max_length=96, verbose_name="所属")),
                ("move", models.CharField(max_length=32, verbose_name="操作")),
                ("from_status", models.CharField(blank=True, max_length=32, verbose_name="原状态")),
                ("to_status", models.CharField(max_length=32, verbose_name="新状态")),
                ("reason", models.TextField(blank=True, verbose_name="理由")),
                ("at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="时间")),
                ("actor", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL, verbose_name="操作人")),
            ],
            options={
                "verbose_name": "状态变更",
                "verbose_name_plural": "状态变更",
                "ordering": ["at", "id"],
                "indexes": [
                    models.Index(fields=["workflow", "subject_id", "id"], name="status_change_subject"),
                    models.Index(fields=["scope", "id"], name="status_change_scope"),
                ],
            },
        ),
        migrations.RunPython(grants_from_profiles, profiles_from_grants),
        migrations.AlterModelOptions(
            name="profile",
            options={"verbose_name": "用户资料", "verbose_name_plural": "用户资料"},
        ),
        migrations.RemoveField(model_name="profile", name="role"),
    ]
