"""``make deploy-check``: install xuncha as an offline intranet machine would, and run it.

1. Installs the wheelhouse (``make wheelhouse`` built it) into a new virtual environment with
   ``pip --no-index``: nothing may come from a registry.
2. Outside the source tree, with production settings (debug off, behind a TLS proxy): migrates,
   loads the demo, starts ``xuncha serve`` and checks that gunicorn answers (its Server header),
   that the office logs in, that a page and every script and style sheet it links to are
   served, and that the security headers are there.
3. Backs the installation up while it serves, restores the archive into a second, empty
   installation, serves that one, logs in there, and checks the audit chain and the figures.

Standard library only: it runs under any Python 3.11. Prints each step; exits non-zero with the
server's log on the first failure.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPOSITORY / "bench"))

from http_client import Browser  # noqa: E402
from live_site import free_port, running_server  # noqa: E402

DEMO_PASSWORD = "xuncha-demo-2026"
PROXY = (("X-Forwarded-Proto", "https"),)
ASSET = re.compile(r'(?:src|href)="(/static/[^"]+)"')


class CheckFailed(RuntimeError):
    """A step of the check did not hold."""


def step(message: str) -> None:
    print(f"deploy-check: {message}", flush=True)


def run(command: list[str], env: dict[str, str], cwd: Path) -> str:
    """Run a command; its output, or CheckFailed with it."""
    done = subprocess.run(command, env=env, cwd=cwd, capture_output=True, text=True)
    if done.returncode != 0:
        raise CheckFailed(
            f"{' '.join(command)} exited {done.returncode}:\n{done.stdout}\n{done.stderr}"
        )
    return done.stdout + done.stderr


def environment(data_dir: Path) -> dict[str, str]:
    """Production settings: no debug, no test mode, TLS ended by a proxy in front."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("XUNCHA_", "DJANGO_", "DATABASE_URL", "PYTHON", "VIRTUAL_ENV"))
    }
    env.update(
        XUNCHA_DATA_DIR=str(data_dir),
        XUNCHA_BEHIND_PROXY="1",
        XUNCHA_ALLOWED_HOSTS="127.0.0.1,localhost",
        XUNCHA_WORKERS="2",
        XUNCHA_THREADS="4",
        XUNCHA_ACCESS_LOG=str(data_dir / "access.log"),
    )
    return env


@contextmanager
def served(xuncha: Path, env: dict[str, str], cwd: Path, log: Path) -> Iterator[str]:
    """``xuncha serve`` on a free port until the block ends; yields its base URL."""
    port = free_port()
    command = [str(xuncha), "serve", f"127.0.0.1:{port}"]
    try:
        with running_server(command, env, cwd, log, f"http://127.0.0.1:{port}") as base:
            yield base
    except RuntimeError as failure:
        raise CheckFailed(str(failure)) from failure


def check_site(base: str, *, label: str) -> int:
    """Gunicorn answers, the office logs in and sees a page with its assets; returns the
    number of problems the ledger says it holds."""
    origin = base.replace("http://", "https://")
    browser = Browser(base, headers=(*PROXY, ("Origin", origin), ("Referer", origin + "/")))
    status, headers, body = browser.request("GET", "/accounts/login/")
    server = headers.get("server", "")
    if status != 200 or "gunicorn" not in server.lower():
        raise CheckFailed(f"{label}: the login page answered {status}, Server: {server!r}")
    step(f"{label}: the login page answers 200, Server: {server}")
    for header in ("strict-transport-security", "x-frame-options", "x-content-type-options"):
        if header not in headers:
            raise CheckFailed(f"{label}: the {header} header is missing")
    cookie = headers.get("set-cookie", "")
    if "csrftoken" in cookie and "secure" not in cookie.lower():
        raise CheckFailed(f"{label}: the CSRF cookie is not marked Secure behind TLS")
    browser.log_in("office", DEMO_PASSWORD)
    status, _headers, page = browser.request("GET", "/ledger/")
    if status != 200 or 'id="ledger-results"' not in page:
        raise CheckFailed(f"{label}: the ledger answered {status} without its results")
    assets = sorted(set(ASSET.findall(page)) | set(ASSET.findall(body)))
    if not any(asset.endswith(".js") for asset in assets):
        raise CheckFailed(f"{label}: the ledger links no script (htmx): {assets}")
    for asset in assets:
        status, _headers, _body = browser.request("GET", asset)
        if status != 200:
            raise CheckFailed(f"{label}: {asset} answered {status}")
    match = re.search(r'data-total="(\d+)"', page) or re.search(r"共\s*(\d+)\s*个问题", page)
    if match is None or int(match.group(1)) == 0:
        raise CheckFailed(f"{label}: the ledger shows no problems")
    total = int(match.group(1))
    step(f"{label}: logged in as the office; /ledger/ and its {len(assets)} assets answer 200")
    check_dashboard(browser, label=label)
    return total


def check_dashboard(browser: Browser, *, label: str) -> None:
    """The dashboard answers and ECharts, shipped inside the wheel, is served from the app's
    own static files (no CDN) with its licence beside it."""
    status, _headers, page = browser.request("GET", "/dashboard/")
    if status != 200 or 'id="dashboard-data"' not in page:
        raise CheckFailed(f"{label}: the dashboard answered {status} without its figures")
    assets = sorted(set(ASSET.findall(page)))
    scripts = [asset for asset in assets if "/vendor/echarts/" in asset]
    if not scripts:
        raise CheckFailed(f"{label}: the dashboard links no ECharts from /static/: {assets}")
    licence = scripts[0].rsplit("/", 1)[0] + "/LICENSE"
    for asset in [*assets, licence]:
        status, _headers, body = browser.request("GET", asset)
        if status != 200 or not body:
            raise CheckFailed(f"{label}: {asset} answered {status}")
    step(f"{label}: /dashboard/ and its {len(assets)} assets (ECharts among them) answer 200")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wheelhouse", type=Path, default=REPOSITORY / "wheelhouse")
    parser.add_argument("--python", default=sys.executable)
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    arguments = parser.parse_args()
    wheelhouse = arguments.wheelhouse.resolve()
    if not any(wheelhouse.glob("xuncha-*.whl")):
        print(f"deploy-check FAILED: no xuncha wheel in {wheelhouse} (make wheelhouse)")
        return 1
    started = time.monotonic()
    root = Path(tempfile.mkdtemp(prefix="xuncha-deploy-check-"))
    try:
        venv = root / "venv"
        step(f"a clean virtual environment in {venv}")
        run([arguments.python, "-m", "venv", str(venv)], dict(os.environ), root)
        pip = [str(venv / "bin" / "pip"), "install", "--quiet", "--no-index"]
        run([*pip, "--find-links", str(wheelhouse), "xuncha"], dict(os.environ), root)
        step("installed from the wheelhouse with --no-index")
        xuncha = venv / "bin" / "xuncha"
        first, second = root / "site", root / "restored"
        env = environment(first)
        run([str(xuncha), "migrate", "--noinput"], env, root)
        run([str(xuncha), "demo"], env, root)
        step("migrated and loaded the demo, outside the source tree")
        archive = root / "backup.tar.gz"
        with served(xuncha, env, root, root / "serve.log") as base:
            total = check_site(base, label="installed")
            run([str(xuncha), "backup", str(archive)], env, root)
            step(f"backed up while serving: {archive.stat().st_size:,} bytes")
        restored_env = environment(second)
        run([str(xuncha), "migrate", "--noinput"], restored_env, root)
        run([str(xuncha), "restore", str(archive)], restored_env, root)
        print(run([str(xuncha), "audit-verify"], restored_env, root).strip())
        step("restored into an empty installation; the audit chain verifies")
        with served(xuncha, restored_env, root, root / "serve-restored.log") as base:
            restored_total = check_site(base, label="restored")
        if restored_total != total:
            raise CheckFailed(f"the ledger held {total} problems, restored {restored_total}")
        step(f"passed in {time.monotonic() - started:.0f} s")
        return 0
    except CheckFailed as failure:
        print(f"deploy-check FAILED: {failure}", file=sys.stderr)
        return 1
    finally:
        if arguments.keep:
            print(f"kept {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
