"""Time and memory of ``jobmaal import`` on a large jobindsats-style CSV, next to plain Polars.

Usage::

    .venv/bin/python benchmarks/bench_import.py [--size-mb 10] [--repeat 3] [--keep DIR]

Writes a ``;``-separated, decimal-comma extract (98 municipalities and the country x
monthly periods x 5 benefit groups x 2 measures, some cells suppressed with ``..``) of
about ``--size-mb`` MB into a temporary folder, then reads it in a fresh child process per
implementation:

* ``jobmaal``: ``data_connectors.readers.read_file`` (header search, decimal detection,
  every period, area and value checked, canonical rows validated);
* ``reference``: one ``polars.read_csv`` of the same file with the right separator and
  decimal options, no validation at all.

It prints the best wall time of ``--repeat`` runs, the peak resident memory of each
child (and how much of it the read added after the imports), the ratios, and whether
both read the same sum of values. Times are machine-dependent: compare the ratio.

``--store-rows 5M`` adds the store-size dimension: the same import into an empty store
and into a store already holding that many rows, in a fresh process each (the store is
copied before the clock starts), for both kinds of table:

* ``aggregate``: the extract above (read and imported into ``y25i09``) into a store whose
  ``y25i09`` holds the given number of rows of other periods;
* ``person``: up to 200,000 weekly benefit records of one municipality and year into a store
  whose ``person_benefit_weeks`` holds the given number of rows in every municipality and
  year (partitioned: the import reads and rewrites only the partition it touches).
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

GROUPS = (
    "Ydelsesgrupper i alt",
    "A-dagpenge",
    "Kontanthjælp",
    "Uddannelseshjælp",
    "Selvforsørgelses- og hjemrejseydelse/overgangsydelse",
)
MEASURES = ("Antal langtidsledige fuldtidspersoner", "Antal langtidsledige personer")
HEADER = f"Periode;Område;Ydelsesgrupper;{MEASURES[0]};{MEASURES[1]}\n"


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def write_extract(path: Path, size_mb: float) -> int:
    """Write the extract; the number of data rows."""
    from domain.areas import municipalities

    areas = [*municipalities()["name"].to_list(), "Hele landet"]
    rng = random.Random(7)
    target = int(size_mb * 1024 * 1024)
    written = len(HEADER.encode())
    rows = 0
    year, month = 1990, 1
    with path.open("w", encoding="utf-8", newline="") as fh:
        fh.write(HEADER)
        while written < target:
            period = f"{year}M{month:02d}"
            lines = []
            for area in areas:
                # Parts first; the total row is their sum (the reader checks it).
                ft = [round(rng.uniform(0, 1200), 1) for _ in GROUPS[1:]]
                persons = [rng.randint(5, 2000) for _ in GROUPS[1:]]
                values = [(round(sum(ft), 1), sum(persons)), *zip(ft, persons, strict=True)]
                for group, (f, p) in zip(GROUPS, values, strict=True):
                    f_text = ".." if rng.random() < 0.03 else f"{f:.1f}".replace(".", ",")
                    p_text = ".." if rng.random() < 0.03 else str(p)
                    lines.append(f"{period};{area};{group};{f_text};{p_text}")
            chunk = "\n".join(lines) + "\n"
            fh.write(chunk)
            written += len(chunk.encode())
            rows += len(lines)
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return rows


def _run_jobmaal(path: Path) -> tuple[int, float]:
    from data_connectors.readers import read_file

    c = read_file(path, max_bytes=1 << 40)
    return c.df.height, float(c.df["value"].sum())


def _run_reference(path: Path) -> tuple[int, float]:
    import polars as pl

    df = pl.read_csv(
        path,
        separator=";",
        decimal_comma=True,
        null_values=[".."],
        schema_overrides={m: pl.Float64 for m in MEASURES},
    )
    return df.height * len(MEASURES), float(sum(df[m].sum() for m in MEASURES))


def child(which: str, path: Path, repeat: int) -> None:
    """Run one implementation ``repeat`` times; print JSON with the best time and memory."""
    import polars as pl  # noqa: F401  (imports are not part of the measurement)

    from data_connectors import readers  # noqa: F401

    run = _run_jobmaal if which == "jobmaal" else _run_reference
    base = _rss_mb()
    best = float("inf")
    out: tuple[int, float] = (0, 0.0)
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = run(path)
        best = min(best, time.perf_counter() - t0)
    peak = _rss_mb()
    print(json.dumps({"s": best, "peak": peak, "added": peak - base, "n": out[0], "sum": out[1]}))


def _store_with(kind: str, folder: Path, rows: int) -> Path:
    """A store holding ``rows`` rows of the table ``kind`` imports into (0: empty)."""
    import polars as pl

    from data_connectors.store import Store

    folder.mkdir(parents=True, exist_ok=True)
    store = Store(folder)
    if rows == 0:
        return folder
    if kind == "person":
        from benchmarks.bench_person import _benefit_weeks

        df = _benefit_weeks(rows, seed=5).with_columns(pl.col("person_id") + "-old")
        store.import_person("person_benefit_weeks", df, origin="bench store", kind="bench")
        return folder
    from data_connectors.readers import read_file

    seed_file = folder / "seed.csv"
    write_extract(seed_file, 1.0)
    base = read_file(seed_file, max_bytes=1 << 40).df
    seed_file.unlink()
    n = max(1, rows // base.height)
    years = base.select(pl.col("period_start").dt.year())
    span = int(years.max().item()) - int(years.min().item()) + 1
    # Copies of the extract moved back in time by whole spans: periods before it.
    frames = []
    for k in range(1, n + 1):
        back = span * k
        frames.append(
            base.with_columns(
                (pl.col("period").str.slice(0, 4).cast(pl.Int32) - back)
                .cast(pl.String)
                .add(pl.col("period").str.slice(4))
                .alias("period"),
                pl.col("period_start").dt.offset_by(f"-{back}y"),
                pl.col("period_end").dt.offset_by(f"-{back}y").dt.month_end(),
            )
        )
    store.import_aggregate(pl.concat(frames), origin="bench store", kind="bench")
    return folder


def _import_child(kind: str, store_dir: Path, path: Path) -> None:
    """Copy the store, then time one import into the copy; print JSON (s, peak MB)."""
    import shutil

    import polars as pl

    from data_connectors.readers import read_file
    from data_connectors.store import Store

    work = Path(tempfile.mkdtemp())
    shutil.copytree(store_dir, work / "s")
    store = Store(work / "s")
    small = None
    if kind == "person":
        from benchmarks.bench_person import _benefit_weeks

        small = (
            _benefit_weeks(800_000, seed=9)
            .with_columns(pl.lit("710").alias("municipality_code"), pl.col("person_id") + "-new")
            .filter(pl.col("week_start").dt.year() == 2022)
            .head(200_000)
        )
    base = _rss_mb()
    t0 = time.perf_counter()
    if small is not None:
        store.import_person("person_benefit_weeks", small, origin="bench new", kind="bench")
    else:
        store.import_aggregate(read_file(path, max_bytes=1 << 40).df, origin="bench new")
    s = time.perf_counter() - t0
    peak = _rss_mb()
    shutil.rmtree(work)
    print(json.dumps({"s": s, "peak": peak, "added": peak - base}))


def store_size(path: Path, rows: int, repeat: int, folder: Path) -> None:
    """Import into an empty store and into one holding ``rows`` rows; print the table."""
    print(f"\nimport into a store of {rows:,} rows against an empty store (best of {repeat})")
    print(f"{'table':<10}{'empty s':>10}{'full s':>10}{'ratio':>8}{'empty MB':>10}{'full MB':>10}")
    for kind in ("aggregate", "person"):
        res = {}
        for label, n in (("empty", 0), ("full", rows)):
            store_dir = _store_with(kind, folder / f"{kind}-{n}", n)
            runs = []
            for _ in range(repeat):
                out = subprocess.run(
                    [sys.executable, __file__, "--import-child", kind, str(store_dir), str(path)],
                    check=True,
                    capture_output=True,
                    text=True,
                    cwd=ROOT,
                )
                runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
            res[label] = min(runs, key=lambda r: r["s"])
        e, f = res["empty"], res["full"]
        print(
            f"{kind:<10}{e['s']:>10.2f}{f['s']:>10.2f}{f['s'] / e['s']:>7.1f}x"
            f"{e['peak']:>10.0f}{f['peak']:>10.0f}"
        )


def measure(which: str, path: Path, repeat: int) -> dict[str, float]:
    res = subprocess.run(
        [sys.executable, __file__, "--child", which, str(path), "--repeat", str(repeat)],
        check=True,
        capture_output=True,
        text=True,
    )
    out: dict[str, float] = json.loads(res.stdout.strip().splitlines()[-1])
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size-mb", type=float, default=10.0)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--keep", type=Path, help="write the extract here and keep it")
    ap.add_argument("--store-rows", help="also import into a store of this many rows (5M)")
    ap.add_argument("--child", nargs=2, metavar=("WHICH", "PATH"), help=argparse.SUPPRESS)
    ap.add_argument("--import-child", nargs=3, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(args.child[0], Path(args.child[1]), args.repeat)
        return
    if args.import_child:
        kind, store_dir, path_s = args.import_child
        _import_child(kind, Path(store_dir), Path(path_s))
        return
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "bench_y25i09.csv"
        rows = write_extract(path, args.size_mb)
        size = path.stat().st_size / (1024 * 1024)
        print(f"extract: {path.name}, {size:.1f} MB, {rows} data rows, best of {args.repeat}")
        ours = measure("jobmaal", path, args.repeat)
        ref = measure("reference", path, args.repeat)
        if args.store_rows:
            text = args.store_rows.strip().upper()
            n = int(float(text.rstrip("KM")) * {"K": 1e3, "M": 1e6}.get(text[-1], 1))
            store_size(path, n, args.repeat, folder / "stores")
    print(f"{'':<22}{'jobmaal':>12}{'reference':>12}{'ratio':>9}")
    print(f"{'time (s)':<22}{ours['s']:>12.2f}{ref['s']:>12.2f}{ours['s'] / ref['s']:>8.1f}x")
    print(
        f"{'peak memory (MB)':<22}{ours['peak']:>12.0f}{ref['peak']:>12.0f}"
        f"{ours['peak'] / ref['peak']:>8.1f}x"
    )
    print(
        f"{'  added by the read':<22}{ours['added']:>12.0f}{ref['added']:>12.0f}"
        f"{ours['added'] / max(ref['added'], 1.0):>8.1f}x"
    )
    print(f"{'values':<22}{int(ours['n']):>12}{int(ref['n']):>12}")
    same = abs(ours["sum"] - ref["sum"]) <= 1e-6 * max(1.0, abs(ref["sum"]))
    print(f"same sum of values: {'yes' if same else 'NO'} ({ours['sum']:.1f} / {ref['sum']:.1f})")


if __name__ == "__main__":
    main()
