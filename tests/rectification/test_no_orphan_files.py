"""A refused upload leaves no orphaned file in the evidence store (issue 9): the rows are rolled
back, and the files the refused call had already stored are deleted again."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.factories import make_upload
from tests.rectification.conftest import problem_at
from xuncha.core.files import FileRefused
from xuncha.rectification.models import ProgressReport
from xuncha.rectification.services import evidence_add, progress_report_create


def stored_files(root: Path) -> list[Path]:
    return sorted(path for path in root.rglob("*") if path.is_file()) if root.exists() else []


def test_a_report_refused_at_its_second_file_keeps_none_of_its_files(cast, settings):
    problem = problem_at(cast.assignment, "in_progress")
    measure = problem.measures.order_by("ordinal").first()
    root = Path(settings.MEDIA_ROOT)
    before = stored_files(root)
    with pytest.raises(FileRefused):
        progress_report_create(
            actor=cast.liaison,
            measure=measure,
            text="已修订制度3项。",
            files=[
                make_upload("新的佐证.pdf", b"%PDF-1.4 new content"),
                make_upload("空.pdf", b""),
            ],
        )
    assert stored_files(root) == before
    assert not ProgressReport.objects.filter(measure=measure, text="已修订制度3项。").exists()


def test_a_file_already_stored_is_kept_when_a_second_upload_of_it_is_refused(cast, settings):
    problem = problem_at(cast.assignment, "in_progress")
    kept = evidence_add(actor=cast.liaison, problem=problem, upload=make_upload())
    root = Path(settings.MEDIA_ROOT)
    before = stored_files(root)
    with pytest.raises(PermissionError):
        evidence_add(actor=cast.other_liaison, problem=problem, upload=make_upload())
    assert stored_files(root) == before
    assert Path(kept.file.path).exists()
