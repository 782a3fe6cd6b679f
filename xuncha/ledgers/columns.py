"""The columns of the Excel ledger (整改台账), shared by its export and its import.

One row per measure; a problem's own cells (its ordinal, unit, group, title …) stand on its
first measure's row and are merged down over the others (or repeated on each, an option of the
export). A problem without measures has one row with the measure cells empty.

Each column says who owns its value in the real process (:class:`Owner`): the import reads a
change to a column as that owner's act and turns anyone else's change into a request or a
refusal (``ledgers.importing``).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class Level(StrEnum):
    """Whose cell it is: the problem's (merged over its measures' rows) or the measure's."""

    PROBLEM = "problem"
    MEASURE = "measure"


class Kind(StrEnum):
    """How a cell is written and read."""

    TEXT = "text"
    INT = "int"
    DATE = "date"
    CHOICE = "choice"
    YES_NO = "yes_no"


class Owner(StrEnum):
    """Who may change the column's value."""

    KEY = "key"  # the row's identity in this database: never changed by a sheet
    IDENTITY = "identity"  # where the problem stands (unit, group, ordinal): read, never written
    OFFICE = "office"  # what the unit is judged by: the office's, a unit asks by request
    PLAN = "plan"  # the unit's proposal until its plan is submitted, then the office's
    UNIT = "unit"  # the unit reports it (进展, 完成情况, 申请销号)
    READ_ONLY = "read_only"  # computed (预警, 佐证材料数)


@dataclass(frozen=True)
class Column:
    """One column: ``name`` is its field in the code, ``header`` its name in the sheet,
    ``synonyms`` the other names offices' own sheets give it."""

    name: str
    header: Promise
    level: Level
    kind: Kind
    owner: Owner
    width: int
    synonyms: tuple[str, ...] = ()


COLUMNS: tuple[Column, ...] = (
    Column("ordinal", _("序号"), Level.PROBLEM, Kind.INT, Owner.IDENTITY, 6, ("编号", "问题序号")),
    Column(
        "unit",
        _("单位"),
        Level.PROBLEM,
        Kind.TEXT,
        Owner.IDENTITY,
        18,
        ("被巡察单位", "单位名称", "被巡察党组织", "责任单位"),
    ),
    Column(
        "group", _("巡察组"), Level.PROBLEM, Kind.TEXT, Owner.IDENTITY, 10, ("巡察组别", "组别")
    ),
    Column(
        "title",
        _("问题"),
        Level.PROBLEM,
        Kind.TEXT,
        Owner.OFFICE,
        40,
        ("问题描述", "存在问题", "反馈问题", "问题清单", "巡察反馈问题", "具体问题"),
    ),
    Column(
        "category", _("问题类别"), Level.PROBLEM, Kind.TEXT, Owner.OFFICE, 12, ("问题类型", "类别")
    ),
    Column(
        "rectification_kind",
        _("整改类型"),
        Level.PROBLEM,
        Kind.CHOICE,
        Owner.PLAN,
        10,
        ("整改方式", "整改分类"),
    ),
    Column(
        "problem_deadline",
        _("整改时限"),
        Level.PROBLEM,
        Kind.DATE,
        Owner.PLAN,
        12,
        ("问题整改时限", "整改期限"),
    ),
    Column(
        "measure",
        _("整改措施"),
        Level.MEASURE,
        Kind.TEXT,
        Owner.PLAN,
        48,
        ("措施", "具体措施", "整改举措"),
    ),
    Column(
        "owner", _("责任领导"), Level.MEASURE, Kind.TEXT, Owner.PLAN, 10, ("责任人", "牵头领导")
    ),
    Column(
        "department",
        _("责任部门"),
        Level.MEASURE,
        Kind.TEXT,
        Owner.PLAN,
        14,
        ("责任科室", "牵头部门", "责任处室"),
    ),
    Column(
        "deadline",
        _("完成时限"),
        Level.MEASURE,
        Kind.DATE,
        Owner.PLAN,
        12,
        ("完成时间", "整改期限", "时限要求"),
    ),
    Column(
        "progress",
        _("整改进展"),
        Level.MEASURE,
        Kind.TEXT,
        Owner.UNIT,
        40,
        ("进展情况", "整改情况"),
    ),
    Column(
        "measure_status",
        _("完成情况"),
        Level.MEASURE,
        Kind.CHOICE,
        Owner.UNIT,
        10,
        ("完成状态", "是否完成", "整改状态"),
    ),
    Column(
        "closed", _("是否销号"), Level.PROBLEM, Kind.YES_NO, Owner.UNIT, 8, ("销号", "销号情况")
    ),
    Column(
        "warning", _("预警"), Level.PROBLEM, Kind.TEXT, Owner.READ_ONLY, 8, ("预警状态", "预警等级")
    ),
    Column(
        "evidence",
        _("佐证材料数"),
        Level.MEASURE,
        Kind.INT,
        Owner.READ_ONLY,
        8,
        ("佐证材料", "佐证数量"),
    ),
    Column("problem_key", _("问题编号"), Level.PROBLEM, Kind.TEXT, Owner.KEY, 10, ("问题ID",)),
    Column("measure_key", _("措施编号"), Level.MEASURE, Kind.TEXT, Owner.KEY, 10, ("措施ID",)),
)

BY_NAME = {column.name: column for column in COLUMNS}

PROBLEM_KEY_PREFIX = "P"
MEASURE_KEY_PREFIX = "M"


def problem_key(pk: int) -> str:
    """The key a problem carries in the sheet (``P123``): its primary key in this database."""
    return f"{PROBLEM_KEY_PREFIX}{pk}"


def measure_key(pk: int) -> str:
    return f"{MEASURE_KEY_PREFIX}{pk}"


def key_id(value: str, prefix: str) -> int | None:
    """The primary key a cell's key names, or None when it is not one of ours."""
    text = value.strip().upper()
    if not text.startswith(prefix) or not text[len(prefix) :].isdigit():
        return None
    return int(text[len(prefix) :])


YES = _("是")
NO = _("否")
