"""The ``xuncha`` console script as a user runs it (acceptance of the digest round trip)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from xuncha.text.render import paragraphs_of_interest

EXPECTED_PROBLEMS = [2, 3, 3, 2, 3, 2, 3, 3, 3]


def xuncha_command() -> list[str]:
    script = Path(sys.executable).with_name("xuncha")
    if script.exists():
        return [str(script)]
    found = shutil.which("xuncha")
    if found is None:
        pytest.fail("the xuncha console script is not installed (pip install -e .)")
    return [found]


def run(*args: str, data_dir: Path, check: bool = True) -> subprocess.CompletedProcess[str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env["XUNCHA_DATA_DIR"] = str(data_dir)
    result = subprocess.run(
        [*xuncha_command(), *args], capture_output=True, text=True, env=env, timeout=120
    )
    if check and result.returncode != 0:
        pytest.fail(f"xuncha {' '.join(args)} failed:\n{result.stderr}")
    return result


@pytest.fixture(scope="module")
def dry_run(tmp_path_factory: pytest.TempPathFactory) -> dict:
    from tests.shared import seed_path

    result = run(
        "import-digest",
        str(seed_path()),
        "--round",
        "第八轮",
        "--dry-run",
        "--json",
        data_dir=tmp_path_factory.mktemp("dry"),
    )
    return json.loads(result.stdout)


def outcomes(document: dict) -> list[dict]:
    return [
        outcome
        for unit in document["units"]
        for problem in unit["problems"]
        for outcome in problem["outcomes"]
    ]


def test_the_dry_run_lists_nine_units_with_their_problems(dry_run):
    assert [len(unit["problems"]) for unit in dry_run["units"]] == EXPECTED_PROBLEMS
    assert dry_run["round"]["name"] == "第八轮"
    assert dry_run["round"]["batch_size"] == 9


def test_the_dry_run_keeps_the_byline_apart_from_the_last_unit(dry_run):
    byline = dry_run["byline"]
    assert byline and "通讯员" in byline
    last = dry_run["units"][-1]["problems"][-1]
    assert all("通讯员" not in measure["text"] for measure in last["measures"])


def test_the_dry_run_warns_of_the_damaged_character_with_its_line(dry_run):
    assert [w["line"] for w in dry_run["warnings"] if "FFFD" in w["message"]] == [115]


@pytest.mark.parametrize(
    ("text", "kind", "value", "qualifier"),
    [
        ("122场次", "count", "122", None),
        ("28名", "count", "28", None),
        ("近3.9万人次", "count", "39000", "nearly"),
        ("6.1亿次", "count", "610000000", None),
        ("两名", "count", "2", None),
        ("23万多小时", "count", "230000", "at_least"),
        ("破亿", "count", "100000000", "over"),
        ("154.92万元", "money", "1549200", None),
        ("20.23亿元", "money", "2023000000", None),
        ("34亿余元", "money", "3400000000", "at_least"),
        ("97.4%", "percent", "97.4", None),
        ("近10%", "percent", "10", "nearly"),
        ("截至2020年12月31日", "date", "2020-12-31", "until"),
        ("2013年以来", "date", "2013", "since"),
    ],
)
def test_the_dry_run_reads_the_values_of_the_issue(dry_run, text, kind, value, qualifier):
    found = [o for o in outcomes(dry_run) if o["text"] == text]
    assert found, f"{text} not found"
    assert (
        found[0]["kind"],
        Decimal(found[0]["value"]) if kind != "date" else found[0]["value"],
        found[0]["qualifier"],
    ) == (
        kind,
        Decimal(value) if kind != "date" else value,
        qualifier,
    )


def test_the_dry_run_reads_a_from_to_pair(dry_run):
    pair = [
        (o["value"], o["qualifier"]) for o in outcomes(dry_run) if o["text"] in {"28名", "32名"}
    ]
    assert ("28", "from") in pair and ("32", "to") in pair


def test_the_dry_run_keeps_names_and_slogans_out_of_the_figures(dry_run):
    texts = {o["text"] for o in outcomes(dry_run)}
    assert "2020" not in texts  # the year inside a campaign's name
    for trap in ("1+10+N", "4+N", "千万分之一", "第十七次", "二〇三五年", "45岁", "第一至第七"):
        assert not any(trap in t for t in texts), trap


def test_import_then_export_reproduces_the_seed_paragraphs(tmp_path):
    from tests.shared import seed_path, seed_text

    run("migrate", "--noinput", data_dir=tmp_path)
    run("import-digest", str(seed_path()), "--round", "第八轮", data_dir=tmp_path)
    exported = run("export-digest", "--round", "第八轮", data_dir=tmp_path).stdout
    assert paragraphs_of_interest(exported) == paragraphs_of_interest(seed_text())


def test_a_bad_file_exits_non_zero_with_the_line_on_stderr(tmp_path):
    path = tmp_path / "bad.txt"
    path.write_text("市某局\n\n问题：没有整改的问题\n", encoding="utf-8")
    result = run(
        "import-digest", str(path), "--round", "X", "--dry-run", data_dir=tmp_path, check=False
    )
    assert result.returncode != 0
    assert "第3行" in result.stderr
    assert result.stdout == ""
