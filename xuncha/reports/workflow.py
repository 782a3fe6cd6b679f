"""The workflow of a publication: drafted and edited by the office, then published for good."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext_lazy as _

from xuncha.core.models import Role
from xuncha.core.permissions import Actor, has_role
from xuncha.core.workflow import Guard, Transition, Workflow, reached
from xuncha.reports.models import Publication, PublicationStatus


def publication_scope(publication: Publication) -> str:
    return f"publication:{publication.pk}"


def publication_roles(
    actor: Actor, publication: Publication, context: Mapping[str, Any]
) -> frozenset[str]:
    return reached(Role.OFFICE) if has_role(actor, Role.OFFICE) else frozenset()


HAS_TEXT = Guard(
    "has_text",
    _("稿件内容为空，不能发布。"),
    lambda publication, situation: bool(publication.draft_text.strip()),
)

PUBLICATION = Workflow(
    name="publication",
    model=Publication,
    statuses=PublicationStatus,
    roles_of=publication_roles,
    scope=publication_scope,
    transitions=[
        Transition(
            "publish",
            reached(PublicationStatus.DRAFT),
            PublicationStatus.PUBLISHED,
            _("发布"),
            reached(Role.OFFICE),
            guards=(HAS_TEXT,),
            confirm=_(
                "发布后，已保存的稿件即成为正式发布的文本，不能再修改或撤回；"
                "凡能查看该范围的人员都可以阅读和下载。通报所列数字以发布时的数据为准。"
            ),
        ),
    ],
)

__all__ = ["PUBLICATION", "publication_roles", "publication_scope"]
