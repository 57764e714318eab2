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

GROUPS = ("Ydelsesgrupper i alt", "A-dagpenge", "Kontanthjælp", "Uddannelseshjælp", "Øvrige")
HEADER = "Periode;Område;Ydelsesgruppe;Antal fuldtidspersoner;Antal personer\n"
MEASURES = ("Antal fuldtidspersoner", "Antal personer")


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
                for group in GROUPS:
                    ft = (
                        ".."
                        if rng.random() < 0.03
                        else f"{rng.uniform(0, 5000):.1f}".replace(".", ",")
                    )
                    persons = ".." if rng.random() < 0.03 else str(rng.randint(5, 9000))
                    lines.append(f"{period};{area};{group};{ft};{persons}")
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
    ap.add_argument("--child", nargs=2, metavar=("WHICH", "PATH"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(args.child[0], Path(args.child[1]), args.repeat)
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
