"""The demo's accounts: one per role, all with the same password, each change audited."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User

from xuncha.core.audit import audit_record, snapshot
from xuncha.core.models import Role
from xuncha.core.permissions import Actor
from xuncha.core.services import profile_set, role_grant
from xuncha.rounds.models import Group, GroupMembership, Unit

DEMO_PASSWORD = "xuncha-demo-2026"
USER_FIELDS = ["username", "first_name", "is_active", "is_staff", "is_superuser"]


@dataclass(frozen=True)
class DemoLogin:
    """One demo account: what to type at the login page, and the parts it plays (a person may
    hold roles in several functions: the demo liaison also handles the unit's petitions)."""

    username: str
    roles: tuple[str, ...]
    display_name: str
    password: str = DEMO_PASSWORD

    @property
    def role(self) -> str:
        """The first role, the one the login is known by."""
        return self.roles[0]

    @property
    def role_label(self) -> str:
        return "、".join(str(Role(role).label) for role in self.roles)


DEMO_LOGINS: tuple[DemoLogin, ...] = (
    DemoLogin("office", (Role.OFFICE,), "巡察办 张某"),
    DemoLogin("group1", (Role.GROUP,), "市委第一巡察组 李某"),
    DemoLogin("unit1", (Role.UNIT, Role.PETITION_HANDLER), "市自然资源和规划局联络员 周某"),
    DemoLogin("supervisor", (Role.SUPERVISOR,), "市纪委监委 吴某"),
)


def demo_user_ensure(login: DemoLogin) -> User:
    """Create or refresh a demo user, its profile and its roles, with audit rows (never the
    password)."""
    user_model = get_user_model()
    user = user_model.objects.filter(username=login.username).first()
    is_office = Role.OFFICE in login.roles
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

    profile_set(actor=None, user=user, display_name=login.display_name)
    for role in login.roles:
        role_grant(actor=None, user=user, role=role)
    return user


def demo_membership_ensure(actor: Actor, group: Group, user: User) -> None:
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


def demo_liaison_ensure(actor: Actor, unit: Unit, user: User) -> None:
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
