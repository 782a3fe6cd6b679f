"""Verifying the audit chain: every row's keyed hash and link, the head, and the anchor.

The verifier names what is wrong in English codes (it is also a console command);
:data:`VERIFY_REASONS` and :func:`verify_reason_text` say it in Chinese for the page and the
command.
"""

from __future__ import annotations

import datetime as dt
import hmac
import json
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xuncha.core.audit_anchor import (
    GENESIS_HASH,
    Anchor,
    anchor_file_has_lines,
    anchor_newest,
    audit_key,
    keyed_hash,
    plain_hash,
)
from xuncha.core.models import AuditChainHead, AuditEntry

HASH_WITHOUT_KEY = "hash recomputed without the key"
HASH_DIFFERS = "hash does not match the row under the key (row edited or hash forged)"
FORGED = "row appended after the anchor carries a hash not made with the key (forged)"
LINK_BROKEN = "previous hash does not match the row before (a row was removed or reordered)"
NOT_JSON = "canonical text is not valid JSON"
ANCHOR_HASH_DIFFERS = "row at the anchored position does not carry the anchored hash"
ANCHOR_MISSING = "anchor missing"
ANCHOR_INVALID = "anchor file holds no valid line"
TAIL_CUT = "chain is shorter than its anchor (rows cut from the end)"
CHAIN_EMPTIED = "chain is empty but its anchor holds rows (all rows deleted)"
HEAD_MISSING = "chain head is missing"
HEAD_DIFFERS = "chain head does not match the last row (rows removed at the end)"
HEAD_COUNT_DIFFERS = "chain head's count does not match the rows"
COLUMN_DIFFERS = "column {column} differs from the hashed text"

VERIFY_REASONS = {
    HASH_WITHOUT_KEY: gettext_lazy("哈希值是在没有密钥的情况下重新计算的（记录被改写）"),
    HASH_DIFFERS: gettext_lazy("记录内容与其密钥哈希不符（记录被改动或哈希被伪造）"),
    FORGED: gettext_lazy("锚点之后追加的记录不是用密钥封存的（伪造的记录）"),
    LINK_BROKEN: gettext_lazy("与前一条记录的哈希不衔接（有记录被删除或调换）"),
    NOT_JSON: gettext_lazy("规范文本不是有效的 JSON"),
    ANCHOR_HASH_DIFFERS: gettext_lazy("锚点所记位置上的记录与锚点的哈希不符（链被改写）"),
    ANCHOR_MISSING: gettext_lazy("库外锚点文件缺失，无法确认记录是否完整"),
    ANCHOR_INVALID: gettext_lazy("库外锚点文件中没有一行能通过密钥校验（锚点被篡改或密钥不符）"),
    TAIL_CUT: gettext_lazy("末尾的记录被删除"),
    CHAIN_EMPTIED: gettext_lazy("审计记录已被全部删除"),
    HEAD_MISSING: gettext_lazy("链头缺失（被删除）"),
    HEAD_DIFFERS: gettext_lazy("链头与最后一条记录不符（末尾的记录被删除）"),
    HEAD_COUNT_DIFFERS: gettext_lazy("链头记载的条数与记录不符"),
}


@dataclass(frozen=True)
class AuditProblem:
    """What does not verify: the row (``entry_id``, 0 for the chain as a whole) and why.

    For a chain shorter than its anchor, ``anchored`` and ``found`` are the row counts the
    anchor and the database hold, and ``last_id`` the id of the last anchored row.
    """

    entry_id: int
    reason: str
    anchored: int = 0
    found: int = 0
    last_id: int | None = None


def audit_verify() -> AuditProblem | None:
    """Check the whole chain with the key and against the newest anchor; None when it holds."""
    key = audit_key()
    anchor = anchor_newest(key)
    previous = GENESIS_HASH
    found = 0
    for entry in AuditEntry.objects.order_by("id").iterator(chunk_size=2000):
        found += 1
        after_anchor = anchor is not None and found > anchor.count
        reason = _entry_problem(entry, previous, key, after_anchor=after_anchor)
        if reason:
            return AuditProblem(entry.pk, reason)
        if anchor is not None and found == anchor.count and entry.hash != anchor.last_hash:
            return AuditProblem(entry.pk, ANCHOR_HASH_DIFFERS)
        previous = entry.hash
    return _anchor_problem(anchor, found) or _head_problem(previous, found)


def _anchor_problem(anchor: Anchor | None, found: int) -> AuditProblem | None:
    if anchor is None:
        if anchor_file_has_lines():
            return AuditProblem(0, ANCHOR_INVALID, found=found)
        if found:
            return AuditProblem(0, ANCHOR_MISSING, found=found)
        return None
    if found < anchor.count:
        reason = CHAIN_EMPTIED if found == 0 else TAIL_CUT
        return AuditProblem(0, reason, anchored=anchor.count, found=found, last_id=anchor.last_id)
    return None


def _head_problem(last_hash: str, found: int) -> AuditProblem | None:
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is None:
        return AuditProblem(0, HEAD_MISSING, found=found) if found else None
    if head.last_hash != last_hash:
        return AuditProblem(0, HEAD_DIFFERS, found=found)
    if head.count != found:
        return AuditProblem(0, HEAD_COUNT_DIFFERS, anchored=head.count, found=found)
    return None


def _entry_problem(entry: AuditEntry, previous: str, key: bytes, *, after_anchor: bool) -> str:
    if not hmac.compare_digest(keyed_hash(entry.canonical, key), entry.hash):
        if after_anchor:
            return FORGED
        if entry.hash == plain_hash(entry.canonical):
            return HASH_WITHOUT_KEY
        return HASH_DIFFERS
    if entry.previous_hash != previous:
        return LINK_BROKEN
    try:
        fields = json.loads(entry.canonical)
    except ValueError:
        return NOT_JSON
    stored = {
        "at": entry.at.isoformat(),
        "actor_id": entry.actor_id,
        "actor_name": entry.actor_name,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "object_repr": entry.object_repr,
        "scope": entry.scope,
        "before": entry.before,
        "after": entry.after,
        "previous_hash": entry.previous_hash,
    }
    for column, value in stored.items():
        expected = fields.get(column)
        if column == "at":
            if dt.datetime.fromisoformat(expected) != entry.at:
                return COLUMN_DIFFERS.format(column=column)
        elif value != expected:
            return COLUMN_DIFFERS.format(column=column)
    return ""


def verify_reason_text(problem: AuditProblem) -> str:
    """The problem's reason in Chinese, with the counts and the missing rows it names."""
    reason = problem.reason
    if reason == TAIL_CUT:
        return _(
            "末尾的记录被删除：锚点记载链上有 %(anchored)s 条，数据库只有 %(found)s 条，"
            "缺第 %(first)s 至 %(anchored)s 条（最后一条为第 %(last_id)s 号记录）"
        ) % {
            "anchored": problem.anchored,
            "found": problem.found,
            "first": problem.found + 1,
            "last_id": problem.last_id or "?",
        }
    if reason == CHAIN_EMPTIED:
        return _(
            "审计记录已被全部删除：锚点记载链上有 %(anchored)s 条"
            "（最后一条为第 %(last_id)s 号记录），数据库中一条也没有"
        ) % {"anchored": problem.anchored, "last_id": problem.last_id or "?"}
    if reason == HEAD_COUNT_DIFFERS:
        return _("链头记载 %(head)s 条，数据库中有 %(found)s 条") % {
            "head": problem.anchored,
            "found": problem.found,
        }
    if reason in VERIFY_REASONS:
        return str(VERIFY_REASONS[reason])
    prefix, suffix = COLUMN_DIFFERS.split("{column}")
    if reason.startswith(prefix) and reason.endswith(suffix):
        column = reason.removeprefix(prefix).removesuffix(suffix)
        return _("字段 %(column)s 与哈希文本不符") % {"column": column}
    return reason


__all__ = ["VERIFY_REASONS", "AuditProblem", "audit_verify", "verify_reason_text"]
