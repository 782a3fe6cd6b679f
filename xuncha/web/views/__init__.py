"""The server-rendered pages. Views parse input, check access, call a service, render."""

from xuncha.web.views.audit import audit_check, audit_log
from xuncha.web.views.evidence import (
    comment_create,
    evidence_download,
    evidence_upload,
    progress_report,
)
from xuncha.web.views.importing import import_digest
from xuncha.web.views.inbox import inbox, inbox_read
from xuncha.web.views.ledger import ledger
from xuncha.web.views.measures import measure_detail, measure_edit
from xuncha.web.views.pages import assignment_detail, home, round_detail
from xuncha.web.views.plan import plan_detail, plan_step
from xuncha.web.views.problem import problem_detail
from xuncha.web.views.problem_actions import (
    measure_add,
    measure_remove,
    measure_step,
    problem_plan_edit,
    problem_step,
)
from xuncha.web.views.queue import queue

__all__ = [
    "assignment_detail",
    "audit_check",
    "audit_log",
    "comment_create",
    "evidence_download",
    "evidence_upload",
    "home",
    "import_digest",
    "inbox",
    "inbox_read",
    "ledger",
    "measure_add",
    "measure_detail",
    "measure_edit",
    "measure_remove",
    "measure_step",
    "plan_detail",
    "plan_step",
    "problem_detail",
    "problem_plan_edit",
    "problem_step",
    "progress_report",
    "queue",
    "round_detail",
]
