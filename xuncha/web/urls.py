"""The web pages' URLs (namespace ``web``)."""

from django.urls import path

from xuncha.web import views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("rounds/<int:pk>/", views.round_detail, name="round"),
    path("assignments/<int:pk>/", views.assignment_detail, name="assignment"),
    path("problems/<int:pk>/", views.problem_detail, name="problem"),
    path("measures/<int:pk>/", views.measure_detail, name="measure"),
    path("measures/<int:pk>/edit/", views.measure_edit, name="measure_edit"),
    path("ledger/", views.ledger, name="ledger"),
    path("import/", views.import_digest, name="import"),
]
