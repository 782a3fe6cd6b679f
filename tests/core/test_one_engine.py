"""No status is set anywhere but through the workflow engine (``xuncha.core.workflow``).

Read from the source: an assignment to a ``status`` attribute, a ``status=`` keyword given to
``create``, ``update`` or a model's constructor, or a ``setattr(…, "status", …)``, anywhere in
xuncha outside the engine and the migrations, fails this test with its file and line.
"""

from __future__ import annotations

import ast
from pathlib import Path

from django.apps import apps

PACKAGE = Path(__file__).resolve().parents[2] / "xuncha"
ENGINE = PACKAGE / "core" / "workflow.py"
# Calls whose ``status=`` keyword writes a status (``filter(status=…)`` only reads one).
WRITERS = {"create", "update", "get_or_create", "update_or_create", "bulk_create"}


def models_with_a_status() -> set[str]:
    """The names of the models that have a ``status`` field (constructing one with a status
    would set it by hand)."""
    return {
        model.__name__
        for model in apps.get_models()
        if any(field.name == "status" for field in model._meta.get_fields())
    }


def status_writes(path: Path, models: set[str] | None = None) -> list[str]:
    models = models_with_a_status() if models is None else models
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        targets: list[ast.expr] = []
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, ast.AugAssign | ast.AnnAssign):
            targets = [node.target]
        for target in targets:
            if isinstance(target, ast.Attribute) and target.attr == "status":
                found.append(f"{path}:{node.lineno}: assigns .status")
        if isinstance(node, ast.Call):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else ""
            called = node.func.id if isinstance(node.func, ast.Name) else ""
            keywords = {keyword.arg for keyword in node.keywords}
            if "status" in keywords and (name in WRITERS or called in models):
                found.append(f"{path}:{node.lineno}: {name or called}(status=…)")
            if called == "setattr" and len(node.args) > 1:
                second = node.args[1]
                if isinstance(second, ast.Constant) and second.value == "status":
                    found.append(f"{path}:{node.lineno}: setattr(…, 'status', …)")
    return found


def test_only_the_engine_sets_a_status():
    assert {"Problem", "Measure", "RectificationPlan", "Visit", "Publication"} <= (
        models_with_a_status()
    )
    writes = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path == ENGINE or "migrations" in path.parts:
            continue
        writes += status_writes(path)
    assert writes == []


def test_the_check_sees_a_status_set_by_hand(tmp_path):
    # The test above means something only if it can see a write.
    sample = tmp_path / "sample.py"
    sample.write_text(
        "def f(plan, Plan):\n"
        "    plan.status = 'approved'\n"
        "    Plan.objects.filter(pk=1).update(status='approved')\n"
        "    Plan(status='draft')\n"
        "    Q(status='draft')\n"
        "    setattr(plan, 'status', 'x')\n"
        "    Plan.objects.filter(status='draft')\n",
        encoding="utf-8",
    )
    found = status_writes(sample, models={"Plan"})
    assert [line.split(": ", 1)[1] for line in found] == [
        "assigns .status",
        "update(status=…)",
        "Plan(status=…)",
        "setattr(…, 'status', …)",
    ]
