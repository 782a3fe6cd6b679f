"""The server-rendered pages. Views parse input, check access, call a service, render."""

from xuncha.web.views.importing import import_digest
from xuncha.web.views.ledger import ledger
from xuncha.web.views.measures import measure_detail, measure_edit
from xuncha.web.views.pages import assignment_detail, home, problem_detail, round_detail

__all__ = [
    "assignment_detail",
    "home",
    "import_digest",
    "ledger",
    "measure_detail",
    "measure_edit",
    "problem_detail",
    "round_detail",
]
