"""Capacity: N concurrent browser sessions through Overblik, Mål and Kommuner.

Starts `streamlit run` on a fresh demo store (like `make run`), then for N = 1, 5, 10, 20
(``--sessions``) opens N Playwright contexts in Debian's chromium at once; each loads
Overblik, Mål and Kommuner for Favrskov 2022 in turn. Prints, per N and page, the median
and p95 of the time from navigation until Streamlit has finished running the page, and
the p95 relative to N = 1 (the heavy work is cached per data version and shared by all
sessions, so p95 should grow far less than N).

    .venv/bin/python benchmarks/bench_load.py [--sessions 1,5,10,20] [--rounds 2]

The first round of every N after the server starts is cold for nobody: a warm-up visit
fills the cache first, as after the first user of the day.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PAGES = {
    "Overblik": "/?kommune=710&aar=2022",
    "Mål": "/maal?kommune=710&aar=2022&maal=2",
    "Kommuner": "/kommuner?kommune=710&aar=2022",
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(data_dir: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    env = {**os.environ, "JOBMAAL_DATA_DIR": str(data_dir)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "dashboard" / "app.py"),
         "--server.port", str(port), "--server.address", "127.0.0.1",
         "--server.headless", "true", "--browser.gatherUsageStats", "false",
         "--server.fileWatcherType", "none"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as r:
                if r.read().strip() == b"ok":
                    return proc, base
        except OSError:
            time.sleep(0.5)
    proc.kill()
    raise SystemExit("streamlit did not start")


async def settle(page: object) -> None:
    from playwright.async_api import Page

    assert isinstance(page, Page)
    await page.wait_for_selector('[data-testid="stApp"]', timeout=120_000)
    await page.wait_for_timeout(300)
    await page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=300_000
    )


async def session(browser: object, base: str, times: dict[str, list[float]]) -> None:
    ctx = await browser.new_context(viewport={"width": 1300, "height": 1000})  # type: ignore[attr-defined]
    page = await ctx.new_page()
    try:
        for name, path in PAGES.items():
            t0 = time.perf_counter()
            await page.goto(base + path, timeout=300_000)
            await settle(page)
            times[name].append(time.perf_counter() - t0)
    finally:
        await ctx.close()


async def run(base: str, sessions: list[int], rounds: int) -> None:
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        await session(browser, base, {n: [] for n in PAGES})  # warm-up: fill the cache
        baseline: dict[str, float] = {}
        print(f"{'N':>3}  {'page':<9} {'median s':>9} {'p95 s':>7} {'p95 / p95(N=1)':>15}")
        for n in sessions:
            times: dict[str, list[float]] = {name: [] for name in PAGES}
            for _ in range(rounds):
                await asyncio.gather(*(session(browser, base, times) for _ in range(n)))
            for name, ts in times.items():
                ts.sort()
                p95 = ts[min(len(ts) - 1, round(0.95 * (len(ts) - 1)))]
                baseline.setdefault(name, p95)
                print(
                    f"{n:>3}  {name:<9} {statistics.median(ts):>9.2f} {p95:>7.2f} "
                    f"{p95 / baseline[name]:>15.1f}"
                )
        await browser.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sessions", default="1,5,10,20")
    ap.add_argument("--rounds", type=int, default=2)
    args = ap.parse_args()
    from data_connectors.demo import build_demo
    from data_connectors.store import Store

    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp) / "data"
        build_demo(Store(data_dir))
        proc, base = start_server(data_dir)
        try:
            asyncio.run(run(base, [int(x) for x in args.sessions.split(",")], args.rounds))
        finally:
            proc.terminate()
            proc.wait(timeout=30)


if __name__ == "__main__":
    main()
