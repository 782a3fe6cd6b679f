"""What users wait for while a large digest is imported, over HTTP from the production server.

For each database (a scratch SQLite file in WAL mode; a scratch PostgreSQL database): sets up
an office and a liaison with a round under way, serves it with ``xuncha serve`` (gunicorn,
2 workers × 4 threads, debug off), and runs CLIENTS users (half reading the ledger and the
round page, half writing progress reports) first alone, then while ``xuncha import-digest``
writes a digest of UNITS units in another process. Prints the import's time, and per phase the
requests, errors (any answer that is not the page or the redirect) and the p50 / p95 / max
wait of reads and of writes.

    .venv/bin/python bench/imports.py [--units 2000] [--clients 16] [--database both]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from digest_data import big_digest
from live_site import PASSWORD, Site, form_post, logged_in, scratch_site, served, set_up

DEFAULT_POSTGRES_URL = "postgres://xuncha:xuncha@127.0.0.1:5432/postgres"
BASELINE_SECONDS = 5.0


class Load:
    """CLIENTS users working until told to stop; their waits and errors."""

    def __init__(self, base: str, ids: dict[str, list[int]], clients: int) -> None:
        self.base, self.ids, self.clients = base, ids, clients
        self.waits: dict[str, list[float]] = defaultdict(list)
        self.errors: list[str] = []
        self.stop = threading.Event()
        self.lock = threading.Lock()

    def user(self, number: int) -> None:
        browser = logged_in(self.base, "office" if number % 2 else "liaison", PASSWORD)
        turn = 0
        while not self.stop.is_set():
            turn += 1
            begun = time.monotonic()
            if number % 2:
                path = ("/ledger/", f"/rounds/{self.ids['ROUND'][0]}/")[turn % 2]
                status, _headers, _body = browser.request("GET", path)
                kind, ok = "read", status == 200
            else:
                measure = self.ids["MEASURES"][(number + turn) % len(self.ids["MEASURES"])]
                status, _body = form_post(
                    browser,
                    f"/measures/{measure}/progress/",
                    {f"progress-{measure}-text": f"第{turn}次报告：整改问题{turn}个。"},
                )
                kind, ok = "write", status == 302
            with self.lock:
                self.waits[kind].append(time.monotonic() - begun)
                if not ok:
                    self.errors.append(f"{kind} {status}")

    def run_while(self, done: threading.Event | None, seconds: float = 0) -> float:
        """Run the users until ``done`` is set (or for ``seconds``); the time they ran."""
        started = time.monotonic()
        with ThreadPoolExecutor(self.clients) as pool:
            futures = [pool.submit(self.user, number) for number in range(self.clients)]
            if done is not None:
                done.wait()
            else:
                time.sleep(seconds)
            self.stop.set()
            for future in futures:
                future.result()
        return time.monotonic() - started


def summary(label: str, load: Load, elapsed: float) -> None:
    for kind in ("read", "write"):
        times = sorted(load.waits[kind])
        if not times:
            print(f"  {label:<22} {kind:<5} no request finished")
            continue
        p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
        print(
            f"  {label:<22} {kind:<5} {len(times):>5} in {elapsed:5.1f} s"
            f"  p50 {statistics.median(times) * 1000:7.0f} ms  p95 {p95 * 1000:7.0f} ms"
            f"  max {times[-1] * 1000:7.0f} ms"
        )
    print(f"  {label:<22} errors {len(load.errors)} {sorted(set(load.errors))[:5]}")


def bench(engine: str, database_url: str | None, units: int, clients: int) -> None:
    print(f"{engine}: {units} units, {clients} users (half reading, half writing)")
    with tempfile.TemporaryDirectory(prefix="xuncha-bench-imports-") as folder:
        tmp = Path(folder)
        digest = tmp / "digest.txt"
        digest.write_text(big_digest(units), encoding="utf-8")
        with scratch_site(tmp, database_url) as site:
            ids = set_up(site)
            with served(site) as base:
                baseline = Load(base, ids, clients)
                summary("alone", baseline, baseline.run_while(None, BASELINE_SECONDS))
                during = Load(base, ids, clients)
                done = threading.Event()
                timing: dict[str, float] = {}
                thread = threading.Thread(target=_import, args=(site, digest, done, timing))
                thread.start()
                summary("during the import", during, during.run_while(done))
                thread.join()
            print(
                f"  import: {timing['total']:.1f} s in all, {timing['writing']:.1f} s from its"
                f" first written unit to its commit (exit {timing['code']:.0f})"
            )


def _import(site: Site, digest: Path, done: threading.Event, timing: dict[str, float]) -> None:
    started = time.monotonic()
    process = site.popen("import-digest", str(digest), "--round", "基准导入")
    assert process.stderr is not None
    first = None
    for line in process.stderr:
        if first is None and "正在写入" in line:
            first = time.monotonic()
    process.wait()
    ended = time.monotonic()
    timing.update(
        total=ended - started, writing=ended - (first or ended), code=float(process.returncode)
    )
    done.set()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--postgres-url", default=os.environ.get("XUNCHA_BENCH_POSTGRES_URL"))
    arguments = parser.parse_args()
    if arguments.database in {"sqlite", "both"}:
        bench("SQLite", "", arguments.units, arguments.clients)
    if arguments.database in {"postgres", "both"}:
        bench(
            "PostgreSQL",
            arguments.postgres_url or DEFAULT_POSTGRES_URL,
            arguments.units,
            arguments.clients,
        )


if __name__ == "__main__":
    main()
