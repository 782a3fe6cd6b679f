"""Every environment variable the code reads is in docs/deploy.md's table, with a default."""

from __future__ import annotations

import re
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[2]
NAME = re.compile(r"""["'](XUNCHA_[A-Z0-9_]+|DATABASE_URL)["']""")
ROW = re.compile(r"^\|\s*(`[A-Z0-9_]+`(?:,\s*`[A-Z0-9_]+`)*)\s*\|\s*([^|]+?)\s*\|\s*([^|]+?)\s*\|$")


def variables_read() -> dict[str, str]:
    """Each variable named in config/ or xuncha/, with a file that names it."""
    found: dict[str, str] = {}
    for folder in ("config", "xuncha"):
        for path in sorted((REPOSITORY / folder).rglob("*.py")):
            for name in NAME.findall(path.read_text(encoding="utf-8")):
                found.setdefault(name, str(path.relative_to(REPOSITORY)))
    return found


def documented() -> dict[str, tuple[str, str]]:
    """The table's rows: variable → (default, what it does)."""
    rows: dict[str, tuple[str, str]] = {}
    text = (REPOSITORY / "docs" / "deploy.md").read_text(encoding="utf-8")
    for line in text.splitlines():
        match = ROW.match(line.strip())
        if match:
            for name in re.findall(r"`([A-Z0-9_]+)`", match.group(1)):
                rows[name] = (match.group(2), match.group(3))
    return rows


def test_the_code_reads_variables_at_all():
    assert {"DATABASE_URL", "XUNCHA_WORKERS", "XUNCHA_SQLITE_TIMEOUT"} <= set(variables_read())


def test_every_variable_read_is_documented_with_a_default_and_a_purpose():
    rows = documented()
    missing = {name: where for name, where in variables_read().items() if name not in rows}
    assert missing == {}, f"not in docs/deploy.md: {missing}"
    assert all(default and purpose for default, purpose in rows.values())


def test_the_table_names_no_variable_the_code_does_not_read():
    assert set(documented()) - set(variables_read()) == set()


def test_the_readme_points_to_the_deployment_guide():
    readme = (REPOSITORY / "README.md").read_text(encoding="utf-8")
    assert "docs/deploy.md" in readme and "make wheelhouse" in readme
