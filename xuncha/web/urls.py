"""The web pages' URLs (namespace ``web``)."""

from django.urls import path

from xuncha.web import views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("rounds/<int:pk>/", views.round_detail, name="round"),
    path("assignments/<int:pk>/", views.assignment_detail, name="assignment"),
    path("assignments/<int:pk>/plan/", views.plan_detail, name="plan"),
    path("assignments/<int:pk>/plan/step/", views.plan_step, name="plan_step"),
    path("problems/<int:pk>/", views.problem_detail, name="problem"),
    path("problems/<int:pk>/step/", views.problem_step, name="problem_step"),
    path("problems/<int:pk>/plan/", views.problem_plan_edit, name="problem_plan_edit"),
    path("problems/<int:pk>/measures/add/", views.measure_add, name="measure_add"),
    path("problems/<int:pk>/evidence/", views.evidence_upload, name="evidence_upload"),
    path("problems/<int:pk>/comments/", views.comment_create, name="comment_create"),
    path("measures/<int:pk>/", views.measure_detail, name="measure"),
    path("measures/<int:pk>/edit/", views.measure_edit, name="measure_edit"),
    path("measures/<int:pk>/step/", views.measure_step, name="measure_step"),
    path("measures/<int:pk>/delete/", views.measure_remove, name="measure_delete"),
    path("measures/<int:pk>/progress/", views.progress_report, name="progress_report"),
    path("evidence/<int:pk>/download/", views.evidence_download, name="evidence_download"),
    path("queue/", views.queue, name="queue"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/read/", views.inbox_read, name="inbox_read"),
    path("audit/", views.audit_log, name="audit"),
    path("audit/verify/", views.audit_check, name="audit_verify"),
    path("ledger/", views.ledger, name="ledger"),
    path("import/", views.import_digest, name="import"),
]
