"""Build time and peak memory of the demo store (``build_demo``), this tree against a base.

Usage::

    .venv/bin/python benchmarks/bench_demo.py [--base REV] [--repeat 3]

Exports ``--base`` (default: the merge base with ``main``) with ``git archive`` into a
temporary folder, then builds the demo store (seed 2022) into an empty folder in a fresh
child process per run, alternating base and this tree, ``--repeat`` times each. Prints
the median wall time of the build (imports excluded), the peak resident memory of the
child, the rows of the weekly records and the ratios this tree / base. Times depend on
the machine and its load: compare the ratios of one run.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHILD = """
import json, resource, sys, tempfile, time
sys.path.insert(0, sys.argv[1])
from data_connectors.demo import build_demo
from data_connectors.store import Store
import polars as pl
out = tempfile.mkdtemp()
t = time.perf_counter()
store = Store(out)
build_demo(store)
seconds = time.perf_counter() - t
rows = store.scan_person("person_benefit_weeks").select(pl.len()).collect().item()
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": seconds, "rss_mb": rss, "rows": rows}))
"""


def _run(tree: Path) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(tree)],
        cwd=tree,
        check=True,
        capture_output=True,
        text=True,
    )
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--base", default=None, help="git revision to compare with")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    base = (
        args.base
        or subprocess.run(
            ["git", "merge-base", "HEAD", "main"],
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    )
    with tempfile.TemporaryDirectory() as tmp:
        base_tree = Path(tmp) / "base"
        base_tree.mkdir()
        archive = subprocess.run(
            ["git", "archive", base], cwd=ROOT, check=True, capture_output=True
        ).stdout
        subprocess.run(["tar", "-x", "-C", str(base_tree)], input=archive, check=True)
        runs: dict[str, list[dict[str, float]]] = {"base": [], "this": []}
        for _ in range(args.repeat):
            runs["base"].append(_run(base_tree))
            runs["this"].append(_run(ROOT))
    med = {
        k: {m: statistics.median(r[m] for r in v) for m in ("seconds", "rss_mb", "rows")}
        for k, v in runs.items()
    }
    print(f"build_demo, medians of {args.repeat} (base {base[:10]})")
    print(f"{'':18}{'base':>12}{'this tree':>12}{'ratio':>8}")
    for m, label in (("seconds", "build s"), ("rss_mb", "peak RSS MB"), ("rows", "weekly rows")):
        b, t = med["base"][m], med["this"][m]
        print(f"{label:18}{b:12.1f}{t:12.1f}{t / b:7.2f}x")


if __name__ == "__main__":
    main()
