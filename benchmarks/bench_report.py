"""Time to build the committee report (``jobmaal report``) on the demo store, cold and warm.

Usage::

    .venv/bin/python benchmarks/bench_report.py [--data-dir DIR] [--repeat N] [--as-of 2022M06]

Without ``--data-dir`` the demo store is built in a temporary folder. Cold is the first
build in the process (kaleido starts its Chromium, typst searches the fonts); warm is the
median of ``--repeat`` further builds. The first table gives the whole build per format
with its size and page count; the second splits a warm build into its parts (evaluation
and series, the charts through kaleido, typst / the HTML writer), each with its share.
"""

from __future__ import annotations

import argparse
import functools
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TypeVar

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

MUNI, YEAR = "710", 2022
T = TypeVar("T")


def _timed(fn: Callable[[], T]) -> tuple[float, T]:
    t = time.perf_counter()
    out = fn()
    return time.perf_counter() - t, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=None)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--as-of", default=None)
    args = parser.parse_args()

    from dashboard import export
    from dashboard.report import ReportFormat, build_report, page_count
    from dashboard.report.content import report_content
    from dashboard.report.html import render_html
    from dashboard.report.pdf import render_pdf
    from data_connectors.demo import build_demo
    from data_connectors.plans import find_plan
    from data_connectors.store import Store

    if export.browser_path() is None:
        raise SystemExit("chromium (/usr/bin/chromium) is needed for the report's charts")
    tmp = tempfile.TemporaryDirectory()
    data_dir = args.data_dir or Path(tmp.name) / "data"
    store = Store(data_dir)
    if store.is_empty():
        print(f"building the demo store in {data_dir} ...", flush=True)
        build_demo(store)
    inputs = {k: v.collect().lazy() for k, v in store.inputs().items()}
    plan = find_plan(MUNI, YEAR, ROOT / "targets")
    as_of = args.as_of

    rows = []
    formats: tuple[ReportFormat, ...] = ("pdf", "html")
    for fmt_ in formats:
        build = functools.partial(build_report, plan, inputs, as_of=as_of, format=fmt_)
        cold, data = _timed(build)
        warm = statistics.median(_timed(build)[0] for _ in range(args.repeat))
        pages = page_count(data) if fmt_ == "pdf" else None
        rows.append((fmt_, cold, warm, len(data), pages))

    status = as_of or "all data"
    print(f"\nCommittee report {MUNI}-{YEAR} (as of {status}), median of {args.repeat} warm runs")
    print(f"{'format':<8}{'cold s':>9}{'warm s':>9}{'cold/warm':>11}{'bytes':>10}{'pages':>7}")
    for fmt_, cold, warm, size, pages in rows:
        print(
            f"{fmt_:<8}{cold:>9.2f}{warm:>9.2f}{cold / warm:>10.1f}x{size:>10}"
            f"{pages if pages is not None else '-':>7}"
        )

    # A warm build split into its parts.
    t_eval, _ = _timed(lambda: report_content(plan, inputs, as_of=as_of, charts_as_svg=False))
    t_all, report = _timed(lambda: report_content(plan, inputs, as_of=as_of))
    t_pdf, _ = _timed(lambda: render_pdf(report))
    t_pdf_new, _ = _timed(lambda: render_pdf(replace(report, title=report.title + " (ny)")))
    t_html, _ = _timed(lambda: render_html(report))
    n_charts = sum(1 for t in report.targets if t.svg)
    t_charts = max(t_all - t_eval, 0.0)
    total = t_all + t_pdf
    print("\nWarm PDF build by part")
    print(f"{'part':<40}{'s':>8}{'share':>8}")
    for name, secs in (
        ("evaluation, series, formatting", t_eval),
        (f"charts: {n_charts} SVGs through kaleido", t_charts),
        ("typst: PDF (memoized: same content)", t_pdf),
    ):
        print(f"{name:<40}{secs:>8.2f}{secs / total:>8.0%}")
    print(f"{'(typst, another title: laid out again)':<40}{t_pdf_new:>8.2f}")
    print(f"{'(HTML writer instead of typst)':<40}{t_html:>8.3f}")


if __name__ == "__main__":
    main()
