"""``kill -9`` in the middle of a large import leaves nothing half-written.

The import runs as its own process on a scratch database of the suite's engine; it is killed
while it is writing (after its second progress line, before its commit). Nothing of it may be
stored, the audit chain must still verify against its anchor, and the same import must then
run to the end.
"""

from __future__ import annotations

import os
import signal
from pathlib import Path

from bench.digest_data import big_digest
from bench.live_site import Site, scratch_site

UNITS = 2_000

COUNTS = (
    "from xuncha.core.models import AuditEntry;"
    "from xuncha.digests.models import DigestImport;"
    "from xuncha.findings.models import Measure, Problem;"
    "from xuncha.rounds.models import Round, Unit;"
    "print(Round.objects.count(), Unit.objects.count(), Problem.objects.count(),"
    " Measure.objects.count(), DigestImport.objects.count(), AuditEntry.objects.count())"
)


def counts(site: Site) -> list[int]:
    return [int(value) for value in site.shell(COUNTS).split()]


def test_a_killed_import_stores_nothing_and_the_next_one_runs(tmp_path: Path):
    digest = tmp_path / "large.txt"
    digest.write_text(big_digest(UNITS), encoding="utf-8")
    small = tmp_path / "small.txt"
    small.write_text(big_digest(3, seed=3), encoding="utf-8")
    with scratch_site(tmp_path) as site:
        site.xuncha("import-digest", str(small), "--round", "已有轮次")
        before = counts(site)
        importer = site.popen("import-digest", str(digest), "--round", "被中断的导入")
        assert importer.stderr is not None
        lines = [importer.stderr.readline(), importer.stderr.readline()]
        assert all("正在写入" in line for line in lines), lines
        os.kill(importer.pid, signal.SIGKILL)
        importer.wait(timeout=30)
        assert importer.returncode == -signal.SIGKILL

        assert counts(site) == before
        assert "均通过校验" in site.xuncha("audit-verify").stdout

        site.xuncha("import-digest", str(digest), "--round", "被中断的导入", timeout=600)
        after = counts(site)
        assert after[0] == before[0] + 1 and after[2] == before[2] + UNITS
        assert "均通过校验" in site.xuncha("audit-verify").stdout
