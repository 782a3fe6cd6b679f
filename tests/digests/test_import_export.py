from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from tests.factories import make_office_user
from xuncha.core.models import AuditEntry
from xuncha.digests.models import DigestImport
from xuncha.digests.services import (
    DigestRefused,
    UnknownUnits,
    digest_export,
    digest_import,
)
from xuncha.findings.models import Measure, Problem, ProblemStatus
from xuncha.findings.services import measure_update
from xuncha.rounds.models import Round, Unit
from xuncha.text.digest import DigestError
from xuncha.text.render import paragraphs_of_interest

pytestmark = pytest.mark.django_db

EXPECTED_PROBLEMS = [2, 3, 3, 2, 3, 2, 3, 3, 3]

SMALL_DIGEST = """近日，市委第一巡察组对两家单位整改情况进行了回访。

市档案馆

问题：档案数字化进度偏慢

整改：一是制定《档案数字化工作方案》。完成馆藏档案数字化12万卷。二是清退违规发放补贴2.4万元。

市气象局

问题：预警信息发布不及时

整改：建成预警发布平台，覆盖率达到98.5%。
"""


def import_seed(seed_path, round_name="第八轮"):
    return digest_import(
        actor=make_office_user(),
        data=seed_path.read_bytes(),
        file_name=seed_path.name,
        round_name=round_name,
    )


def test_importing_the_seed_creates_its_units_problems_and_measures(seed_path):
    record = import_seed(seed_path)
    round_ = Round.objects.get(name="第八轮")
    counts = [a.problems.count() for a in round_.assignments.order_by("position")]
    assert counts == EXPECTED_PROBLEMS
    assert record.problem_count == 24 and record.unit_count == 9
    assert round_.groups.count() == 7
    assert round_.facts["units_revisited"] == 18
    assert record.byline.startswith("(") and "记者" in record.byline
    assert any(w["line"] == 115 for w in record.warnings)


def test_imported_problems_start_in_progress_with_their_report_kept(seed_path):
    import_seed(seed_path)
    statuses = set(Problem.objects.values_list("status", flat=True))
    assert statuses == {ProblemStatus.IN_PROGRESS}
    seed = seed_path.read_text(encoding="utf-8")
    for problem in Problem.objects.all():
        assert problem.unit_report in seed
        assert problem.deadline is None
        assert problem.assignment.feedback_date is None
        assert problem.assignment.group is None


def test_the_byline_is_not_part_of_the_last_rectification(seed_path):
    record = import_seed(seed_path)
    last = Problem.objects.order_by("-assignment__position", "-ordinal").first()
    assert record.byline not in last.unit_report
    assert "通讯员" not in "".join(m.text for m in last.measures.all())


def test_exporting_the_imported_seed_reproduces_its_paragraphs(seed_path):
    import_seed(seed_path)
    exported = digest_export(round_=Round.objects.get(name="第八轮"))
    seed = seed_path.read_text(encoding="utf-8")
    assert paragraphs_of_interest(exported) == paragraphs_of_interest(seed)


def test_an_edited_measure_shows_in_the_export(seed_path):
    import_seed(seed_path)
    measure = Measure.objects.filter(problem__assignment__unit__name="市委统战部").order_by(
        "problem__ordinal", "ordinal"
    )[0]
    edited = measure.text + "另组织专题座谈会4场。"
    measure_update(
        actor=None, measure=measure, expected_version=measure.problem.version, text=edited
    )
    exported = digest_export(round_=Round.objects.get(name="第八轮"))
    assert "另组织专题座谈会4场。" in exported
    seed = seed_path.read_text(encoding="utf-8")
    assert paragraphs_of_interest(exported) != paragraphs_of_interest(seed)


def test_a_failed_import_stores_nothing(seed_path):
    bad = SMALL_DIGEST.replace("整改：建成预警发布平台，覆盖率达到98.5%。\n", "")
    before = AuditEntry.objects.count()
    with pytest.raises(DigestError) as error:
        digest_import(actor=None, data=bad, file_name="bad.txt", round_name="新轮次")
    assert error.value.line == 11
    assert not Round.objects.exists()
    assert not Unit.objects.exists()
    assert AuditEntry.objects.count() == before


def test_importing_the_same_units_twice_is_refused_whole():
    digest_import(actor=None, data=SMALL_DIGEST, file_name="a.txt", round_name="第一轮")
    problems = Problem.objects.count()
    audit_rows = AuditEntry.objects.count()
    with pytest.raises(DigestRefused) as error:
        digest_import(actor=None, data=SMALL_DIGEST, file_name="a.txt", round_name="第一轮")
    assert "市档案馆" in str(error.value)
    assert Problem.objects.count() == problems
    assert AuditEntry.objects.count() == audit_rows
    assert DigestImport.objects.count() == 1


def test_new_text_is_exported_with_full_width_colons():
    digest_import(actor=None, data=SMALL_DIGEST, file_name="a.txt", round_name="第一轮")
    exported = digest_export(round_=Round.objects.get(name="第一轮"))
    assert "问题：档案数字化进度偏慢" in exported
    assert "整改：一是制定《档案数字化工作方案》。" in exported
    assert paragraphs_of_interest(exported) == paragraphs_of_interest(SMALL_DIGEST)


def test_exporting_chosen_units_leaves_the_others_out():
    digest_import(actor=None, data=SMALL_DIGEST, file_name="a.txt", round_name="第一轮")
    exported = digest_export(round_=Round.objects.get(name="第一轮"), unit_names=["市气象局"])
    assert "市气象局" in exported and "市档案馆" not in exported
    with pytest.raises(UnknownUnits, match="市不存在局"):
        digest_export(round_=Round.objects.get(name="第一轮"), unit_names=["市不存在局"])


def test_the_commands_import_and_export_a_digest(tmp_path):
    path = tmp_path / "digest.txt"
    path.write_text(SMALL_DIGEST, encoding="utf-8")
    out = io.StringIO()
    call_command("import_digest", str(path), "--round", "第一轮", stdout=out)
    assert "2 个单位" in out.getvalue()
    out = io.StringIO()
    call_command("export_digest", "--round", "第一轮", "--unit", "市档案馆", stdout=out)
    assert "问题：档案数字化进度偏慢" in out.getvalue()


def test_the_import_command_names_the_line_of_a_bad_file(tmp_path):
    path = tmp_path / "bad.txt"
    path.write_text(SMALL_DIGEST.replace("整改：建成预警发布平台，覆盖率达到98.5%。\n", ""))
    with pytest.raises(CommandError, match="第11行"):
        call_command("import_digest", str(path), "--round", "第一轮")
    assert not Problem.objects.exists()


def test_the_export_command_refuses_an_unknown_round():
    with pytest.raises(CommandError, match="没有名为"):
        call_command("export_digest", "--round", "不存在")


def test_a_single_measure_entered_by_hand_is_written_without_a_number():
    from tests.factories import make_assignment
    from xuncha.findings.services import MeasureInput, problem_create

    assignment = make_assignment()
    problem_create(
        actor=None,
        assignment=assignment,
        title="会议记录不全",
        measures=[MeasureInput("补齐记录。")],
    )
    problem_create(
        actor=None,
        assignment=assignment,
        title="台账不实",
        measures=[MeasureInput("核对台账。"), MeasureInput("建立月报制度。")],
    )
    exported = digest_export(round_=assignment.round)
    assert "整改：补齐记录。" in exported
    assert "整改：一是核对台账。二是建立月报制度。" in exported


def test_each_imported_measure_carries_the_digest_text_as_the_units_report():
    digest_import(actor=None, data=SMALL_DIGEST, file_name="a.txt", round_name="第一轮")
    measures = list(Measure.objects.order_by("problem__ordinal", "ordinal"))
    assert len(measures) == 3
    for measure in measures:
        reports = list(measure.reports.values_list("text", flat=True))
        assert reports == [measure.text]
        assert measure.status == "in_progress"
    # With its report recorded, a measure can be marked done through the same rules.
    from xuncha.rectification.transitions import measure_transition

    done = measure_transition(actor=None, measure=measures[0], name="complete")
    assert done.status == "done"


DISCLOSURE_TEXT = """中共某县林业局党组关于巡察整改进展情况的通报
根据县委统一部署，县委第一巡察组对县林业局党组进行了巡察。现将巡察整改进展情况通报如下。
截至2025年10月31日，反馈的5个问题，已完成整改4个，正在整改1个。
问题1：护林员考勤不严。
整改情况：一是建立电子巡护打卡制度。二是清退不在岗护林员3名。
完成情况：已完成
"""


def test_the_import_command_reads_a_disclosure_and_keeps_its_claims(tmp_path):
    path = tmp_path / "notice.txt"
    path.write_bytes(DISCLOSURE_TEXT.encode("gbk"))
    out, err = io.StringIO(), io.StringIO()
    call_command("import", str(path), "--round", "第一轮", stdout=out, stderr=err)
    assert "已导入（被巡察单位整改情况通报，GB18030）" in out.getvalue()
    problem = Problem.objects.get()
    assert (problem.assignment.unit.name, problem.title) == ("县林业局党组", "护林员考勤不严")
    assert problem.measures.count() == 2
    record = DigestImport.objects.get()
    assert (record.form, record.encoding) == ("disclosure", "GB18030")
    (totals,) = record.claims["totals"]
    assert "反馈的5个问题" in totals["text"]


def test_the_read_command_prints_the_model_as_json(tmp_path):
    import json

    path = tmp_path / "notice.txt"
    path.write_text(DISCLOSURE_TEXT, encoding="utf-16")
    out = io.StringIO()
    call_command("read", str(path), "--json", stdout=out)
    document = json.loads(out.getvalue())
    assert document["form"] == "disclosure"
    assert document["source"]["encoding"] == "UTF-16LE (BOM)"
    assert document["problems"][0]["rectification"]["status"] == "done"
    assert not Problem.objects.exists()


def test_a_report_with_figures_only_is_refused_by_the_import(tmp_path):
    path = tmp_path / "petition.txt"
    path.write_text("本月全市信访总量1200件，信访事项按期办结率98%。信访群众满意率95%。")
    with pytest.raises(CommandError, match="信访工作报告"):
        call_command("import", str(path), "--round", "第一轮")
    assert not Problem.objects.exists()
