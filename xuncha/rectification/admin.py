"""Problems and their measures in the admin (kept here, beside the authority rules it uses):
the office's edits go through the services.

A problem's plan (rectification kind, deadline) and its measures' text, owner, department and
deadline are saved by ``rectification.authority`` (which wraps ``findings.services``) as the
office: the problem's version is checked and bumped, outcomes are re-read from edited text,
deadlines recomputed and the audit rows written by the service. Problems and measures are
added and removed in the web app and by imports, never here.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.translation import gettext_lazy as _

from xuncha.core.admin import formset_saved_by_services, request_actor, without_delete_selected
from xuncha.core.models import Role
from xuncha.core.permissions import has_role
from xuncha.findings.models import Measure, Problem
from xuncha.findings.services import EditConflict, EditRefused
from xuncha.rectification.authority import measure_change, problem_plan_change

EDITABLE = ["rectification_kind", "deadline"]


class ProblemAdminForm(forms.ModelForm):
    """The plan fields, and the version the form was opened at: a save over a newer version
    (a web edit meanwhile) is refused as a conflict, as in the web form."""

    expected_version = forms.IntegerField(widget=forms.HiddenInput, label=_("编辑时版本"))

    class Meta:
        model = Problem
        fields = EDITABLE

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["expected_version"].initial = self.instance.version


class MeasureInline(admin.TabularInline):
    """A problem's measures; a changed row is saved by ``measure_change`` in
    :meth:`ProblemAdmin.save_formset`."""

    model = Measure
    extra = 0
    can_delete = False
    fields = ["ordinal", "text", "owner", "department", "deadline", "status"]
    readonly_fields = ["ordinal", "status"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return has_role(request.user, Role.OFFICE) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Problem)
class ProblemAdmin(admin.ModelAdmin):
    """Problems: the office changes the plan and the measures through the services; nobody
    adds or deletes here (the web pages and imports do, with the workflow's history), and
    statuses change only through the workflow pages."""

    form = ProblemAdminForm
    list_display = ["title", "assignment", "status", "deadline", "version"]
    list_filter = ["status", "assignment__round"]
    search_fields = ["title", "assignment__unit__name"]
    readonly_fields = [
        "assignment",
        "ordinal",
        "title",
        "text",
        "category",
        "status",
        "unit_report",
        "rectification_lead",
        "measures_numbered",
        "version",
    ]
    inlines = [MeasureInline]

    def get_fields(self, request: HttpRequest, obj: Problem | None = None) -> Any:
        fields = [*self.readonly_fields[:6], *EDITABLE, *self.readonly_fields[6:]]
        if obj is not None and self.has_change_permission(request, obj):
            fields.append("expected_version")
        return fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Problem | None = None) -> bool:
        return has_role(request.user, Role.OFFICE) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Problem | None = None) -> bool:
        return False

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        return without_delete_selected(super().get_actions(request))

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        # A conflict or a refusal from a service rolls the whole save back (the admin's
        # transaction) and is said in words on the freshly loaded form.
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except (EditConflict, EditRefused) as error:
            messages.error(request, str(error))
            return HttpResponseRedirect(request.get_full_path())

    def save_model(self, request: HttpRequest, obj: Problem, form: Any, change: bool) -> None:
        problem = problem_plan_change(
            actor=request_actor(request),
            problem=obj,
            expected_version=form.cleaned_data["expected_version"],
            rectification_kind=form.cleaned_data["rectification_kind"],
            deadline=form.cleaned_data["deadline"],
        )
        # The measures below are saved against the version this save reached.
        form.current_version = problem.version

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        for measure_form in formset.forms:
            if not measure_form.has_changed():
                continue
            data = measure_form.cleaned_data
            measure = measure_change(
                actor=request_actor(request),
                measure=measure_form.instance,
                expected_version=form.current_version,
                text=data["text"],
                owner=data["owner"],
                department=data["department"],
                deadline=data["deadline"],
            )
            form.current_version = (
                Problem.objects.filter(pk=measure.problem_id)
                .values_list("version", flat=True)
                .get()
            )
        formset_saved_by_services(formset)
