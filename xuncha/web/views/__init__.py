"""The server-rendered pages. Views parse input, check access, call a service, render."""

from xuncha.web.views.audit import audit_check, audit_log
from xuncha.web.views.dashboard import dashboard
from xuncha.web.views.evidence import (
    comment_create,
    evidence_download,
    evidence_upload,
    progress_report,
)
from xuncha.web.views.followups import (
    batch_add,
    followup_create_view,
    followup_detail,
    followup_list,
    visit_add,
)
from xuncha.web.views.importing import import_digest
from xuncha.web.views.inbox import inbox, inbox_read
from xuncha.web.views.ledger import ledger
from xuncha.web.views.ledger_export import ledger_export
from xuncha.web.views.ledger_import import ledger_import
from xuncha.web.views.measures import measure_detail, measure_edit
from xuncha.web.views.pages import assignment_detail, home, round_detail, round_settings
from xuncha.web.views.plan import plan_detail, plan_step
from xuncha.web.views.problem import problem_detail
from xuncha.web.views.problem_actions import (
    measure_add,
    measure_remove,
    measure_step,
    problem_plan_edit,
    problem_step,
)
from xuncha.web.views.publication_actions import (
    publication_disclose_view,
    publication_edit_view,
    publication_publish_view,
    publication_refresh_view,
    publication_step_view,
)
from xuncha.web.views.publications import (
    digest_draft,
    notice_compose_view,
    notice_draft_view,
    publication_detail,
    publication_download,
    publication_list,
    publication_pdf_download,
)
from xuncha.web.views.quality import round_common_problems_view, round_paper_flags_view
from xuncha.web.views.queue import queue
from xuncha.web.views.report import (
    report_detail,
    report_edit,
    report_file_download,
    report_step,
)
from xuncha.web.views.report_documents import report_document
from xuncha.web.views.requests import (
    extension_request_view,
    request_file_download,
    request_step,
    revision_request_view,
)
from xuncha.web.views.setup import round_setup, round_setup_save
from xuncha.web.views.visit_work import score_add, survey_answers, survey_import, verdict_add
from xuncha.web.views.visits import (
    re_feedback_view,
    visit_detail,
    visit_evidence_download,
    visit_evidence_upload,
    visit_record_view,
)

__all__ = [
    "assignment_detail",
    "audit_check",
    "audit_log",
    "batch_add",
    "comment_create",
    "dashboard",
    "digest_draft",
    "evidence_download",
    "evidence_upload",
    "extension_request_view",
    "followup_create_view",
    "followup_detail",
    "followup_list",
    "home",
    "import_digest",
    "inbox",
    "inbox_read",
    "ledger",
    "ledger_export",
    "ledger_import",
    "measure_add",
    "measure_detail",
    "measure_edit",
    "measure_remove",
    "measure_step",
    "notice_compose_view",
    "notice_draft_view",
    "plan_detail",
    "plan_step",
    "problem_detail",
    "problem_plan_edit",
    "problem_step",
    "progress_report",
    "publication_detail",
    "publication_disclose_view",
    "publication_download",
    "publication_edit_view",
    "publication_list",
    "publication_pdf_download",
    "publication_publish_view",
    "publication_refresh_view",
    "publication_step_view",
    "queue",
    "re_feedback_view",
    "report_detail",
    "report_document",
    "report_edit",
    "report_file_download",
    "report_step",
    "request_file_download",
    "request_step",
    "revision_request_view",
    "round_common_problems_view",
    "round_detail",
    "round_paper_flags_view",
    "round_settings",
    "round_setup",
    "round_setup_save",
    "score_add",
    "survey_answers",
    "survey_import",
    "verdict_add",
    "visit_add",
    "visit_detail",
    "visit_evidence_download",
    "visit_evidence_upload",
    "visit_record_view",
]
