"""``xuncha check FILE`` and ``xuncha check --round NAME``: the claims check as a report."""

from __future__ import annotations

import io
import json
import re

import pytest
from django.core.management import CommandError, call_command

from tests.factories import make_evidence, make_office_user, measure_complete
from xuncha.digests.services import digest_import
from xuncha.findings.models import Problem
from xuncha.rectification.transitions import problem_transition

# Invented for the test: a digest whose introduction states totals, one refund above what was
# found, and one that holds.
DIGEST = """\
近日，市委第一巡察组对两家单位整改情况进行了回访。本轮反馈问题3个，已完成整改2个，正在整改1个。

市档案馆

问题：档案数字化进度偏慢

整改：制定档案数字化工作方案。共查出违规发放补贴2万元，已清退2.4万元。

市气象局

问题：预警信息发布不及时

整改：建成预警发布平台。共查出违规资金10万元，已追回8万元。

问题：值班制度执行不严

整改：修订值班制度，开展检查4次。
"""

WRONG = """关于县委第五轮巡察整改进展情况的通报
截至2025年6月30日，反馈问题50个，已完成40个，基本完成5个，未完成3个，完成率82.5%。
"""


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("check_claims", *args, stdout=out)
    return out.getvalue()


def lines_with(output: str, *words: str) -> list[str]:
    return [line for line in output.splitlines() if all(word in line for word in words)]


def test_the_seed_lists_457_of_469_as_97_4_percent_holding(seed_path):
    output = run(str(seed_path))
    (line,) = lines_with(output, "457/469", "97.4%")
    assert line.startswith(f"{seed_path}:21: 相符")
    # the spans of the three figures it reads, as offsets into the file's text
    text = seed_path.read_text(encoding="utf-8")
    spans = re.findall(r"“([^”]+)”\[(\d+),(\d+)\)", line)
    assert sorted(written for written, _start, _end in spans) == ["457个", "469个", "97.4%"]
    for written, start, end in spans:
        assert text[int(start) : int(end)] == written
    assert "不符0条" in output.splitlines()[-1]


def test_a_written_text_s_wrong_rate_and_wrong_sum_are_flagged_and_the_exit_is_clean(tmp_path):
    path = tmp_path / "通报.txt"
    path.write_text(WRONG, encoding="utf-8")
    output = run(str(path))  # no SystemExit: a report, even when claims fail
    failed = lines_with(output, f"{path}:2: 不符")
    assert len(failed) == 2
    assert lines_with(output, "不符［比例］40/50 = 80%", "“82.5%”[")
    assert lines_with(output, "不符［分项与合计］40个+5个+3个 = 48", "（相差-2）")


def test_json_names_each_check_s_verdict_and_spans(tmp_path):
    path = tmp_path / "通报.txt"
    path.write_text(WRONG, encoding="utf-8")
    report = json.loads(run(str(path), "--json"))
    (document,) = report["documents"]
    assert document["counts"]["fails"] == 2
    kinds = {check["kind"]: check for check in document["checks"] if check["verdict"] == "fails"}
    assert set(kinds) == {"rate", "sum"}
    assert kinds["rate"]["expected"] == "80.0" and kinds["rate"]["stated"] == "82.5"
    assert [f["text"] for f in kinds["sum"]["figures"]] == ["50个", "40个", "5个", "3个"]
    assert all(f["span"]["line"] == 2 for f in kinds["sum"]["figures"])


def test_an_unreadable_file_is_an_error_naming_it(tmp_path):
    missing = tmp_path / "不存在.txt"
    with pytest.raises(CommandError, match=r"不存在\.txt"):
        run(str(missing))
    garbage = tmp_path / "乱码.txt"
    garbage.write_text("第一条 为了规范管理，制定本办法。\n第二条 本办法自发布之日起施行。\n")
    with pytest.raises(CommandError, match=r"乱码\.txt"):
        run(str(garbage))
    with pytest.raises(CommandError, match="二者选一"):
        run()


@pytest.mark.django_db
def test_a_round_s_imports_are_checked_against_the_ledger():
    office = make_office_user()
    digest_import(actor=office, data=DIGEST, file_name="回访摘编.txt", round_name="第九轮")
    problem = Problem.objects.get(title="值班制度执行不严")
    for measure in problem.measures.all():
        measure_complete(measure, actor=None)
    make_evidence(problem)
    problem = problem_transition(actor=None, problem=problem, name="request_closing")
    problem_transition(actor=None, problem=problem, name="close")

    output = run("--round", "第九轮")
    ledger = lines_with(output, "回访摘编.txt:1:", "与台账核对")
    assert [line.split("］")[1].split(" ")[0] for line in ledger] == [
        "文中3个，台账中本轮共有问题3个",
        "文中2个，台账中本轮已销号1个（相差1）",
        "文中1个，台账中本轮未销号2个（相差-1）",
    ]
    assert [line.split(": ")[1][:2] for line in ledger] == ["相符", "不符", "不符"]
    (refund,) = lines_with(output, "不符［清退与查处］")
    assert "2.4万元" in refund and "“2万元”" in refund
    assert lines_with(output, "相符［清退与查处］清退追回8万元")


@pytest.mark.django_db
def test_an_unknown_round_is_an_error_and_a_round_without_imports_says_so():
    with pytest.raises(CommandError, match="没有名为“无此轮”的轮次"):
        run("--round", "无此轮")
    from tests.factories import make_round

    make_round("空轮次")
    assert "还没有导入的文件" in run("--round", "空轮次")


def test_xuncha_check_is_the_claims_check_and_system_check_stays_django_s(seed_path, capsys):
    from xuncha.cli import main

    main(["check", str(seed_path)])
    assert lines_with(capsys.readouterr().out, "457/469", "97.4%")
    main(["system-check"])
    assert "System check identified no issues" in capsys.readouterr().out
