"""The workflow of a publication: drafted and edited by the office, approved by another
office user (four eyes), published, and perhaps withdrawn (撤回) later, with a reason."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext_lazy as _

from xuncha.core.models import Role
from xuncha.core.permissions import Actor, has_role
from xuncha.core.workflow import Guard, Situation, Transition, Workflow, reached
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


def _wrote_it(publication: Publication, situation: Situation) -> bool:
    """Whether the one asking drafted the publication or last wrote its wording."""
    actor = situation.actor
    if situation.is_system or actor is None:
        return False
    return actor.pk in {publication.created_by_id, publication.edited_by_id}


FOUR_EYES = Guard(
    "four_eyes",
    _("起草或修改稿件的人不能自己审核，须由巡察办另一名人员审核通过。"),
    lambda publication, situation: not _wrote_it(publication, situation),
)

S = PublicationStatus
OFFICE = reached(Role.OFFICE)

PUBLICATION = Workflow(
    name="publication",
    model=Publication,
    statuses=PublicationStatus,
    roles_of=publication_roles,
    scope=publication_scope,
    transitions=[
        Transition(
            "approve",
            reached(S.DRAFT),
            S.APPROVED,
            _("审核通过"),
            OFFICE,
            guards=(HAS_TEXT, FOUR_EYES),
        ),
        Transition(
            "return",
            reached(S.APPROVED),
            S.DRAFT,
            _("退回修改"),
            OFFICE,
            reason_required=True,
        ),
        Transition(
            "publish",
            reached(S.APPROVED),
            S.PUBLISHED,
            _("发布"),
            OFFICE,
            guards=(HAS_TEXT,),
            confirm=_(
                "发布后，已保存的稿件即成为正式发布的文本，不能再修改；"
                "其中决定公开的事项（人名按所选隐名处理）将出现在无须登录的公开页面上，"
                "凡能查看该范围的人员都可以阅读和下载。通报所列数字以发布时的数据为准。"
                "发布后只能撤回：撤回后公开页面不再显示，记录和历史仍然保留。"
            ),
        ),
        Transition(
            "withdraw",
            reached(S.PUBLISHED),
            S.WITHDRAWN,
            _("撤回"),
            OFFICE,
            reason_required=True,
            confirm=_(
                "撤回后，公开页面和公开导出不再包含该稿件；发布的文本、发文字号和历史记录仍然保留，"
                "撤回不能再取消。"
            ),
        ),
    ],
)

__all__ = ["FOUR_EYES", "PUBLICATION", "publication_roles", "publication_scope"]
