"""Server-side time to build each dashboard page's data on the demo store, cold and warm.

Usage::

    .venv/bin/python benchmarks/bench_pages.py [--data-dir DIR] [--repeat N] [--scale 1,10]

Without ``--data-dir`` the demo store is built in a temporary folder, once per store size
of ``--scale`` (1: the demo; 10: the demo with ten times its person records,
``data_connectors.demo.scaled``). For every page the script makes the same cached calls
the page makes (``dashboard.loaders``) and times them four ways:

* **first-ever**: a fresh process (modules imported first, not timed: the server has them
  loaded before a page is asked for), the store built, no cache of any kind, the
  persistent page cache (``dashboard.page_cache``) emptied: the first page view after an
  import;
* **disk-warm**: a fresh process again, with the persistent page cache filled by the
  first-ever run: a restart or a second server process;
* **cold in-process**: in this process with every cache emptied (Streamlit's, the metrics'
  per-version cache and the page cache) but Polars and the modules warmed up;
* **warm**: the same call again (Streamlit's cache).

The tables are printed per store size and then side by side (demo against 10x). A second
table compares the Polars path of one figure (every municipality's 2022
average of long-term unemployed, as ``ranking`` computes it) with a naive row-by-row
Python computation of the same numbers, and checks that they agree.
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
logging.getLogger("streamlit").setLevel(logging.ERROR)

import polars as pl  # noqa: E402
import streamlit as st  # noqa: E402

MUNI, YEAR = "710", 2022


def _quiet_streamlit() -> None:
    for name in list(logging.root.manager.loggerDict):
        if name.startswith("streamlit"):
            logging.getLogger(name).setLevel(logging.ERROR)


def page_builders() -> dict[str, Callable[[], object]]:
    from dashboard import loaders, pagedata, pagedata_data, pagedata_ledelse, sections

    def key() -> loaders.StoreKey:
        return loaders.store_key()

    def plan() -> loaders.PlanRef:
        ref = loaders.find_plan(MUNI, YEAR)
        if ref is None:
            raise SystemExit(f"no plan {MUNI}-{YEAR} in {loaders.targets_dir()}")
        return ref

    def overblik() -> object:  # the page's own build (dashboard.pagedata)
        return pagedata.plan_page(key(), plan())

    def maal() -> object:  # the page's own builds: the target view and the shared sections
        k, ref = key(), plan()
        p = loaders.load_plan(ref.path, ref.mtime)
        t = next(t for t in p.targets if t.metric_id == "langtidsledige")
        results = {r.id: r for r in loaders.evaluate_targets(k, ref.path, ref.mtime)}
        view = pagedata.target_view(k, ref, t, results[t.id])
        m = view.metric
        if m.breakdowns:
            loaders.kpi_series(k, m.id, (MUNI,), m.breakdowns[0], f"{YEAR}M01", f"{YEAR}M12")
        sections.comparison_data(k, m, muni=MUNI, year=YEAR)
        return sections.ranking_data(k, m, year=YEAR)

    def kommuner() -> object:
        k = key()
        loaders.status(k)
        overview = sections.kpi_overview(
            k, sections.overview_metrics(), muni="751", name="Aarhus", year=YEAR
        )
        loaders.benchmark_table(k, "751")  # STAR's benchmark: its own section
        return overview

    def ledelsestilsyn() -> object:  # the page's own build (dashboard.pagedata_ledelse)
        sel = pagedata_ledelse.LedelseSelection(key=key(), muni=MUNI, name="Favrskov")
        return pagedata_ledelse.build(sel)

    def data() -> object:  # the page's own build (dashboard.pagedata_data)
        return pagedata_data.build(pagedata_data.DataSelection(key=key(), now=datetime.now(UTC)))

    review_pages = review_builders()
    return {
        "Overblik": overblik,
        "Mål": maal,
        "Kommuner": kommuner,
        "Ledelsestilsyn": ledelsestilsyn,
        "Data": data,
        **review_pages,
    }


REVIEW_ROUND = 30  # cases in the benchmark's review round (of Favrskov's 2022 decisions)


def review_builders() -> dict[str, Callable[[], object]]:
    """The three review pages' builds (``dashboard.pagedata_review``) on the store's
    register (``<data dir>/review.db``). Once per store, untimed: a round of
    ``REVIEW_ROUND`` cases drawn from Favrskov's 2022 sanction cases with seed 1, every
    case assigned to one reviewer and every other case reviewed (every third of those
    would be changed). The builds read the register uncached, so cold and warm differ
    only by opening (and migrating) it."""
    from datetime import date

    from dashboard import pagedata_review, review_data
    from data_connectors.review import repository as repo
    from domain.review import RoundSpec, applicable_points

    db = review_data.db()
    if not repo.list_rounds(db):
        spec = RoundSpec(
            name="Benchmark",
            municipality_code=MUNI,
            period_start=date(YEAR, 1, 1),
            period_end=date(YEAR, 12, 31),
            sample_size=REVIEW_ROUND,
            seed=1,
        )
        rid, _ = pagedata_review.draw_round(db, review_data.sanction_cases(), spec, who="bench")
        cases = repo.round_cases(db, rid)
        repo.assign(db, {c.id: "bench" for c in cases}, who="bench")
        for i, c in enumerate(cases[::2]):
            answers = dict.fromkeys(applicable_points(c.match_group), "ja")
            repo.save_review(
                db,
                c.id,
                expected_version=2,
                answers=answers,
                verdict="aendret" if i % 3 == 0 else "korrekt",
                note="",
                who="bench",
            )

    def rounds() -> object:
        d = review_data.db()
        page = pagedata_review.rounds_page(d, review_data.sanction_cases())
        return pagedata_review.assignment(d, page.rounds[0])

    def form() -> object:
        d = review_data.db()
        page = pagedata_review.form_page(d, pagedata_review.FormSelection("bench", True))
        return pagedata_review.case_view(d, page.cases[0][0])

    def results() -> object:
        d = review_data.db()
        ids = tuple(r.id for r in repo.list_rounds(d))
        sel = pagedata_review.ResultsSelection(round_ids=ids, today=date.today())
        return pagedata_review.results_page(d, sel)

    return {"Stikprøver": rounds, "Gennemgang": form, "Tilsynsresultater": results}


def _time(fn: Callable[[], object]) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def _data_dir() -> Path:
    from dashboard import loaders

    return Path(loaders.store_key()[0])


def _clear_all() -> None:
    """Every cache emptied: Streamlit's, the metrics' per-version one, the page cache."""
    from dashboard import page_cache
    from metrics import kpis

    st.cache_data.clear()
    st.cache_resource.clear()
    kpis.clear_cache()
    page_cache.clear(_data_dir())


def child(page: str) -> None:
    """Run in a fresh process (``--child PAGE``): import, then time one page's build and
    print the milliseconds (the import time on a second line)."""
    t0 = time.perf_counter()
    builders = page_builders()
    from dashboard import loaders, pagedata, sections  # noqa: F401  (what the server has loaded)

    imported = time.perf_counter() - t0
    cpu = time.process_time()
    print(f"{_time(builders[page]) * 1e3:.1f}")
    print(f"{imported * 1e3:.1f}")
    print(f"{(time.process_time() - cpu) * 1e3:.1f}")


def _fresh(page: str, data_dir: Path) -> tuple[float, float, float]:
    """Wall time of the page's build in a fresh process, its imports, and the build's CPU
    time (all threads; less sensitive than wall time to other jobs on the machine)."""
    env = {**os.environ, "JOBMAAL_DATA_DIR": str(data_dir)}
    out = subprocess.run(
        [sys.executable, __file__, "--child", page],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return float(out[-3]) / 1e3, float(out[-2]) / 1e3, float(out[-1]) / 1e3


Timings = dict[str, dict[str, float]]


def store_size(data_dir: Path) -> str:
    """Person records and bytes on disk of the store, for the tables' headers."""
    from data_connectors.store import Store

    store = Store(data_dir)
    files = [p for p in store.root.rglob("*.parquet")]
    rows = sum(
        store.scan_person(t).select(pl.len()).collect().item() for t in store.person_tables()
    )
    mb = sum(p.stat().st_size for p in files) / 1e6
    return f"{rows:,} person rows, {mb:.1f} MB"


def bench_pages(repeat: int, label: str = "the demo store", fresh_repeat: int = 1) -> Timings:
    from dashboard import page_cache

    builders = page_builders()
    data_dir = _data_dir()
    cold: dict[str, list[float]] = defaultdict(list)
    warm: dict[str, list[float]] = defaultdict(list)
    first: dict[str, list[float]] = defaultdict(list)
    disk: dict[str, list[float]] = defaultdict(list)
    first_cpu: dict[str, list[float]] = defaultdict(list)
    imports: list[float] = []
    for _ in range(fresh_repeat):
        for name in builders:
            page_cache.clear(data_dir)
            t, imp, cpu = _fresh(name, data_dir)  # first-ever: nothing cached anywhere
            first[name].append(t)
            first_cpu[name].append(cpu)
            imports.append(imp)
            disk[name].append(_fresh(name, data_dir)[0])  # restart: the page cache filled
    for _ in range(repeat):
        for name, fn in builders.items():
            _clear_all()
            cold[name].append(_time(fn))
            warm[name].append(_time(fn))
    print(f"\nPage data build on {label} ({MUNI}, {YEAR}; {store_size(data_dir)})")
    print(
        f"fresh processes: median of {fresh_repeat} (imports before timing: "
        f"{statistics.median(imports):.1f} s); in-process: median of {repeat}; "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )
    head = ("first-ever", "first CPU", "disk-warm", "cold in-proc", "warm")
    print(f"{'page (ms)':<16}" + "".join(f"{h:>14}" for h in head) + f"{'first/warm':>12}")
    out: Timings = {}
    for name in builders:
        row = {
            "first-ever": statistics.median(first[name]),
            "first CPU": statistics.median(first_cpu[name]),
            "disk-warm": statistics.median(disk[name]),
            "cold in-proc": statistics.median(cold[name]),
            "warm": statistics.median(warm[name]),
        }
        out[name] = row
        ratio = row["first-ever"] / max(row["warm"], 1e-9)
        print(f"{name:<16}" + "".join(f"{row[h] * 1e3:>14.1f}" for h in head) + f"{ratio:>11.0f}x")
    return out


def side_by_side(by_store: dict[str, Timings]) -> None:
    """One row per page and way of timing, one column per store size, and their ratio."""
    labels = list(by_store)
    print("\nPage data build side by side (ms)")
    print(
        f"{'page':<16}{'timing':<14}"
        + "".join(f"{lb:>12}" for lb in labels)
        + (f"{labels[-1] + '/' + labels[0]:>12}" if len(labels) > 1 else "")
    )
    pages = list(next(iter(by_store.values())))
    for page in pages:
        for how in ("first-ever", "first CPU", "disk-warm", "cold in-proc", "warm"):
            vals = [by_store[lb][page][how] for lb in labels]
            ratio = f"{vals[-1] / max(vals[0], 1e-9):>11.2f}x" if len(vals) > 1 else ""
            print(f"{page:<16}{how:<14}" + "".join(f"{v * 1e3:>12.1f}" for v in vals) + ratio)


def naive_yearly_average(rows: list[dict[str, object]]) -> dict[str, float]:
    """Row by row: every municipality's mean of the 12 monthly totals of the year."""
    sums: dict[str, float] = defaultdict(float)
    counts: dict[str, int] = defaultdict(int)
    for r in rows:
        if (
            r["measure_id"] == "fuldtidspersoner"
            and r["area_level"] == "kommune"
            and str(r["period"]).startswith(f"{YEAR}M")
            and r["benefit_group"] == "I alt"
            and r["value"] is not None
        ):
            code = str(r["area_code"])
            sums[code] += float(r["value"])  # type: ignore[arg-type]
            counts[code] += 1
    return {c: sums[c] / counts[c] for c in sums}


def bench_polars_vs_naive(repeat: int) -> None:
    from dashboard import loaders
    from metrics import api

    k = loaders.store_key()
    inputs = loaders.inputs(k)
    lf = inputs["y25i09"]

    def polars_path() -> pl.DataFrame:
        return api.ranking(inputs, "langtidsledige", year=YEAR)

    def naive_path() -> dict[str, float]:
        return naive_yearly_average(lf.collect().to_dicts())

    ours = polars_path()
    ref = naive_path()
    got = dict(zip(ours["area_code"], ours["value"], strict=True))
    worst = max(abs(got[c] - ref[c]) for c in got)
    t_pl = statistics.median(_time(polars_path) for _ in range(repeat))
    t_nv = statistics.median(_time(naive_path) for _ in range(repeat))
    print("\nYearly average per municipality (ranking of langtidsledige, 2022)")
    print(f"{'path':<28}{'ms':>10}{'ratio':>10}")
    print(f"{'Polars (metrics.api)':<28}{t_pl * 1e3:>10.1f}{1:>9.0f}x")
    print(f"{'naive row-by-row Python':<28}{t_nv * 1e3:>10.1f}{t_nv / t_pl:>9.1f}x")
    print(f"municipalities: {len(got)}; largest difference between the two: {worst:.2e}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data-dir", type=Path, help="an existing store (default: build demo)")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--scale", default="1", help="store sizes, e.g. 1,10 (x the demo)")
    ap.add_argument("--fresh-repeat", type=int, default=1, help="fresh processes per page")
    ap.add_argument("--child", help=argparse.SUPPRESS)  # internal: one page, fresh process
    args = ap.parse_args()
    _quiet_streamlit()
    if args.child:
        child(args.child)
        return
    if args.data_dir is not None:
        os.environ["JOBMAAL_DATA_DIR"] = str(args.data_dir)
        bench_pages(args.repeat, f"the store at {args.data_dir}", args.fresh_repeat)
        bench_polars_vs_naive(args.repeat)
        return
    from data_connectors.demo.scaled import build_scaled_demo
    from data_connectors.store import Store

    by_store: dict[str, Timings] = {}
    for factor in (int(x) for x in args.scale.split(",")):
        tmp = Path(tempfile.mkdtemp(prefix=f"jobmaal-bench-{factor}x-")) / "data"
        t0 = time.perf_counter()
        build_scaled_demo(Store(tmp), factor=factor)
        print(f"{factor}x demo store built in {time.perf_counter() - t0:.1f} s at {tmp}")
        os.environ["JOBMAAL_DATA_DIR"] = str(tmp)
        _quiet_streamlit()
        by_store[f"{factor}x"] = bench_pages(
            args.repeat, f"the {factor}x demo store", args.fresh_repeat
        )
    side_by_side(by_store)
    bench_polars_vs_naive(args.repeat)


if __name__ == "__main__":
    main()
