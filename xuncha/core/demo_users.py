"""The demo's accounts: one per role, all with the same password, each change audited."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model

from xuncha.core.audit import audit_record, snapshot
from xuncha.core.models import Profile, Role
from xuncha.rounds.models import Group, GroupMembership, Unit

DEMO_PASSWORD = "xuncha-demo-2026"
USER_FIELDS = ["username", "first_name", "is_active", "is_staff", "is_superuser"]


@dataclass(frozen=True)
class DemoLogin:
    """One demo account: what to type at the login page, and the part it plays."""

    username: str
    role: str
    display_name: str
    password: str = DEMO_PASSWORD

    @property
    def role_label(self) -> str:
        return str(Role(self.role).label)


DEMO_LOGINS: tuple[DemoLogin, ...] = (
    DemoLogin("office", Role.OFFICE, "巡察办 张某"),
    DemoLogin("group1", Role.GROUP, "市委第一巡察组 李某"),
    DemoLogin("unit1", Role.UNIT, "市自然资源和规划局联络员 周某"),
    DemoLogin("supervisor", Role.SUPERVISOR, "市纪委监委 吴某"),
)


def demo_user_ensure(login: DemoLogin) -> Any:
    """Create or refresh a demo user and its profile, with audit rows (never the password)."""
    user_model = get_user_model()
    user = user_model.objects.filter(username=login.username).first()
    is_office = login.role == Role.OFFICE
    before = snapshot(user, USER_FIELDS) if user is not None else None
    if user is None:
        user = user_model(username=login.username)
    user.first_name = login.display_name[:150]
    user.is_active = True
    user.is_staff = is_office
    user.is_superuser = is_office
    user.set_password(login.password)
    user.save()
    after = {**snapshot(user, USER_FIELDS), "password": "set to the demo password"}
    action = "user.create" if before is None else "user.update"
    audit_record(actor=None, action=action, instance=user, before=before, after=after)

    profile = Profile.objects.filter(user=user).first()
    profile_before = snapshot(profile) if profile is not None else None
    if profile is None:
        profile = Profile(user=user)
    profile.role = login.role
    profile.display_name = login.display_name
    profile.save()
    if snapshot(profile) != profile_before:
        audit_record(
            actor=None,
            action="profile.create" if profile_before is None else "profile.update",
            instance=profile,
            before=profile_before,
            after=snapshot(profile),
        )
    return user


def demo_membership_ensure(actor: Any, group: Group, user: Any) -> None:
    """Seat the user in the group (once)."""
    membership, created = GroupMembership.objects.get_or_create(group=group, user=user)
    if created:
        audit_record(
            actor=actor,
            action="group.member_add",
            instance=membership,
            before=None,
            after=snapshot(membership),
        )


def demo_liaison_ensure(actor: Any, unit: Unit, user: Any) -> None:
    """Make the user a liaison of the unit (once)."""
    if unit.liaisons.filter(pk=user.pk).exists():
        return
    before = sorted(unit.liaisons.values_list("id", flat=True))
    unit.liaisons.add(user)
    audit_record(
        actor=actor,
        action="unit.liaison_add",
        instance=unit,
        before={"liaison_ids": before},
        after={"liaison_ids": sorted([*before, user.pk])},
    )
