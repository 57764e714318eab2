"""Monthly flexjob hours (``person_flexjob_months``) for the person municipalities.

Built from the June counts of ``fleksjob_timeudvikling`` (``aggregates.hours_change_cells``)
so that the plan's flexjob figures computed from the records are exactly the table's
(docs/scale.md, "Reconciliation on the demo"). Each June has its own cohort of
new-scheme flexjobbers with records January-June of that year:

* ``personer_op`` / ``_ned`` / ``_uaendret`` of a band (1-5 or 6-10 hours at start): jobs
  started before the year with the hours at start given (``start_hours``), hours registered
  all six months, June's hours half an hour or an hour above, below or equal to those at
  start, within the same band;
* the rest of the band's June persons: jobs started February-April of the year (fewer
  than six registered months, so not in the hours change);
* above 10 hours: hours above 10 at start and in June; without registered hours: no hours
  in June.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date

import polars as pl

from data_connectors.demo.common import rng
from domain.datasets import NO_HOURS

FLEX_ID_OFFSET = 600_000
NEW_SCHEME = "Ny ordning"
START_HOURS: dict[str, tuple[float, ...]] = {
    "1-5 timer": (2.0, 2.5, 3.0, 3.5, 4.0),
    "6-10 timer": (7.0, 7.5, 8.0, 8.5, 9.0),
}
BAND_LIMITS: dict[str, tuple[float, float]] = {"1-5 timer": (1.0, 5.0), "6-10 timer": (6.0, 10.0)}
OVER_10 = "Over 10 timer"
MONTHS_OF_JUNE = 6  # January-June

Cells = dict[tuple[str, str, str], int]
"""(month, hours band, measure) -> persons, for one municipality's Junes."""


def flexjob_months(seed: int, code: str, cells: Cells) -> pl.DataFrame:
    """The records of ``code`` (FlexjobMonthSchema) giving exactly ``cells``."""
    r = rng(seed, "flexjob-persons", code)
    rows: dict[str, list[object]] = {
        k: [] for k in ("person_id", "month", "start_date", "weekly_hours", "start_hours")
    }
    n = 0

    def job(
        year: int, start: date, start_hours: float | None, hours: Sequence[float | None]
    ) -> None:
        """One person: ``hours`` for the last ``len(hours)`` months up to June of ``year``."""
        nonlocal n
        n += 1
        pid = f"D{code}-{FLEX_ID_OFFSET + n:06d}"
        first = MONTHS_OF_JUNE - len(hours) + 1
        for k, h in enumerate(hours):
            rows["person_id"].append(pid)
            rows["month"].append(f"{year}M{first + k:02d}")
            rows["start_date"].append(start)
            rows["weekly_hours"].append(h)
            rows["start_hours"].append(start_hours)

    for year in sorted({int(m[:4]) for m, _b, _x in cells}):
        june = f"{year}M06"
        for band, (lo, hi) in BAND_LIMITS.items():
            moved = {
                d: cells.get((june, band, f"personer_{d}"), 0) for d in ("op", "ned", "uaendret")
            }
            for direction, count in moved.items():
                for _ in range(count):
                    at_start = r.choice(START_HOURS[band])
                    step = r.choice((0.5, 1.0))
                    now = {"op": min(hi, at_start + step), "ned": max(lo, at_start - step)}.get(
                        direction, at_start
                    )
                    change = r.randint(1, MONTHS_OF_JUNE - 1)  # the month hours changed
                    hours: list[float | None] = [
                        at_start if k < change else now for k in range(MONTHS_OF_JUNE)
                    ]
                    job(year, _earlier_start(r, year), at_start, hours)
            recent = cells.get((june, band, "personer"), 0) - sum(moved.values())
            for _ in range(recent):  # started this year: fewer than six registered months
                start_month = r.randint(2, 4)
                h = r.choice(START_HOURS[band])
                job(
                    year, date(year, start_month, 1), None, [h] * (MONTHS_OF_JUNE - start_month + 1)
                )
        for _ in range(cells.get((june, OVER_10, "personer"), 0)):
            at_start = float(r.randint(11, 20))
            now = min(37.0, at_start + r.choice((0.0, 0.0, 1.0, 2.0)))
            job(year, _earlier_start(r, year), at_start, [at_start] * (MONTHS_OF_JUNE - 1) + [now])
        for _ in range(cells.get((june, NO_HOURS, "personer"), 0)):
            h = r.choice(START_HOURS["1-5 timer"])
            job(year, _earlier_start(r, year), None, [h] * (MONTHS_OF_JUNE - 1) + [None])
    return pl.DataFrame(
        rows,
        schema={
            "person_id": pl.String(),
            "month": pl.String(),
            "start_date": pl.Date(),
            "weekly_hours": pl.Float64(),
            "start_hours": pl.Float64(),
        },
    ).with_columns(
        pl.lit(code).alias("municipality_code"),
        pl.lit(NEW_SCHEME).alias("scheme"),
    )


def _earlier_start(r: random.Random, year: int) -> date:
    """A start before the year (the extract does not reach back to it)."""
    return date(r.randint(2014, year - 1), r.randint(1, 12), 1)


def all_flexjob_months(seed: int, cells: dict[str, Cells]) -> pl.DataFrame:
    frames = [flexjob_months(seed, c, cells[c]) for c in cells]
    return pl.concat(frames).select(
        "person_id", "municipality_code", "month", "start_date", "scheme", "weekly_hours",
        "start_hours",
    )  # fmt: skip
