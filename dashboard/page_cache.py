"""A persistent cache of what the pages show, per data version: a fresh process (a restart,
a second server process) reads a page's figures from disk instead of computing them again.

Layout: ``<data dir>/cache/pages/<version>-<code>/<name>-<digest of the arguments>.parquet``,
next to the store (``<data dir>/store``, whose file signature is the version, so the
cache never changes the version); ``<code>`` is a fingerprint of the code that computes
the figures (``CODE``), so an upgraded jobmaal never reads figures an older one computed.
A new import is a new version and so a new folder; the folders of other versions are
removed when the first file of a new version is written.
Files are written to a temporary file and renamed (a reader never sees half a file), with
mode 0600 in folders of mode 0700.

Only frames that a page shows are kept here: series, comparisons and rankings after the
small-number rule (``metrics.series.finalize``: a suppressed row has no value, numerator or
denominator), judged targets with their hidden figures already ``None``, and the store's
status. Nothing with a person id and no figure about fewer than 5 persons: ``safe_to_keep``
checks every frame again before it is written and refuses one that shows a count of 1-4
(it is then computed each time, never written). The metrics' raw frames, which hold the
unsuppressed figures, stay in the process (``metrics.kpis.memoized``).

A cache that cannot be written (a read-only data dir, a full disk) is skipped: the page is
computed as without it. A file that cannot be read is computed again and rewritten.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import fields
from pathlib import Path

import polars as pl

from metrics.api import RESULT_SCHEMA, Method, Status, TargetResult, get_metric

log = logging.getLogger(__name__)

ENABLED = True
"""Switch the persistent cache off (tests that count computations, the benchmark's
first-ever build)."""

SMALL = 5  # the small-number rule: no shown count of persons below this

_ROOT = Path(__file__).resolve().parent.parent


def _code_fingerprint() -> str:
    """Name, size and time of every source file the figures come from (domain, metrics,
    the dashboard's loaders and this module)."""
    files = sorted(
        [
            *(_ROOT / "domain").rglob("*.py"),
            *(_ROOT / "metrics").rglob("*.py"),
            _ROOT / "dashboard" / "loaders.py",
            Path(__file__).resolve(),
        ]
    )
    sig = [(str(p.relative_to(_ROOT)), p.stat().st_size, p.stat().st_mtime_ns) for p in files]
    return hashlib.sha256(repr(sig).encode("utf-8")).hexdigest()[:12]


CODE = _code_fingerprint()


def folder(data_dir: Path, version: str) -> Path:
    return Path(data_dir) / "cache" / "pages" / f"{version}-{CODE}"


def clear(data_dir: Path) -> None:
    """Remove every cached page figure of the store at ``data_dir``."""
    shutil.rmtree(Path(data_dir) / "cache" / "pages", ignore_errors=True)


def _path(data_dir: Path, version: str, name: str, args: tuple[object, ...]) -> Path:
    digest = hashlib.sha256(repr(args).encode("utf-8")).hexdigest()[:24]
    return folder(data_dir, version) / f"{name}-{digest}.parquet"


def safe_to_keep(df: pl.DataFrame) -> bool:
    """No row shows a count of 1-4 persons: for a person-based metric (``metric_id``), a
    row that is not ``suppressed`` has no numerator, denominator or rest (denominator
    minus numerator) between 0 and 5. Frames without ``metric_id`` pass."""
    if "metric_id" not in df.columns or df.is_empty():
        return True
    person_based = [m for m in df["metric_id"].unique().to_list() if get_metric(m).person_based]
    if not person_based:
        return True
    shown = df.filter(pl.col("metric_id").is_in(person_based))
    if "suppressed" in shown.columns:
        shown = shown.filter(~pl.col("suppressed").fill_null(False))

    def small(e: pl.Expr) -> pl.Expr:
        return ((e > 0) & (e < SMALL)).fill_null(False)

    checks = [small(pl.col(c)) for c in ("numerator",) if c in shown.columns]
    if "denominator" in shown.columns and "numerator" in shown.columns:
        rate = pl.col("denominator").is_not_null()
        checks.append(rate & small(pl.col("denominator")))
        checks.append(rate & small(pl.col("denominator") - pl.col("numerator")))
    if not checks:
        return True
    return not shown.select(pl.any_horizontal(checks).any()).item()


def _write(path: Path, df: pl.DataFrame) -> None:
    """``df`` to ``path`` atomically (temporary file, then rename), mode 0600."""
    first = not path.parent.exists()
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    if first:  # a new version: the other versions' figures are stale
        for other in path.parent.parent.iterdir():
            if other != path.parent and other.is_dir():
                shutil.rmtree(other, ignore_errors=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "wb") as fh:
            df.write_parquet(fh)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def frame(
    data_dir: Path,
    version: str,
    name: str,
    args: tuple[object, ...],
    build: Callable[[], pl.DataFrame],
) -> pl.DataFrame:
    """The frame ``build()`` gives for ``name(*args)`` of this data version: read from the
    cache when there, else built and (when ``safe_to_keep``) written."""
    if not ENABLED:
        return build()
    path = _path(data_dir, version, name, args)
    try:
        return pl.read_parquet(path)
    except FileNotFoundError:
        pass
    except (OSError, pl.exceptions.PolarsError) as exc:  # damaged: compute it again
        log.warning("page cache: %s unreadable (%s); computing it again", path.name, exc)
    out = build()
    if safe_to_keep(out):
        try:
            _write(path, out)
        except OSError as exc:
            log.warning("page cache: cannot write %s (%s)", path.parent, exc)
    return out


# -- judged targets ----------------------------------------------------------------------

_RESULT_FIELDS = tuple(f.name for f in fields(TargetResult))


def results_to_frame(results: list[TargetResult]) -> pl.DataFrame:
    """Judged targets as one row each (``status`` and ``method`` as their keys)."""
    rows = [
        {name: getattr(r, name) for name in _RESULT_FIELDS}
        | {
            "status": str(r.status),
            "method": None if r.method is None else str(r.method),
            "notes": list(r.notes),
        }
        for r in results
    ]
    return pl.DataFrame(rows, schema=RESULT_SCHEMA, orient="row")


def results_from_frame(df: pl.DataFrame) -> list[TargetResult]:
    out = []
    for row in df.iter_rows(named=True):
        row["status"] = Status(row["status"])
        row["method"] = None if row["method"] is None else Method(row["method"])
        row["notes"] = tuple(row["notes"] or ())
        out.append(TargetResult(**row))
    return out


def results(
    data_dir: Path,
    version: str,
    name: str,
    args: tuple[object, ...],
    build: Callable[[], list[TargetResult]],
) -> list[TargetResult]:
    """The judged targets ``build()`` gives, through the cache as ``frame`` (they hold
    only shown figures: a suppressed value, gap or projection is already ``None``)."""
    if not ENABLED:
        return build()
    built: list[TargetResult] = []

    def as_frame() -> pl.DataFrame:
        built.extend(build())
        return results_to_frame(built)

    df = frame(data_dir, version, name, args, as_frame)
    return built if built else results_from_frame(df)
