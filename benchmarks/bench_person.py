"""Person-level KPIs at scale: jobmaal against an independent DuckDB SQL implementation.

    .venv/bin/python benchmarks/bench_person.py                  # 1M and 10M rows
    .venv/bin/python benchmarks/bench_person.py --sizes 1M,10M,50M
    .venv/bin/python benchmarks/bench_person.py --huge --runs 1 --timeout 900
    .venv/bin/python benchmarks/bench_person.py --sizes 200M --engines jobmaal

Synthetic data in jobmaal's own schemas (``person_benefit_weeks`` hive-partitioned by year
and municipality exactly as the store writes it; ``person_refugee_months`` and
``person_flexjob_months`` one file each) is written once per size under ``--dir``
(default /tmp/jobmaal-bench-person), block by block of persons (about 4M rows each), so
generating 200M rows needs the memory of one block, and the same seed gives the same data.
Every KPI runs in a fresh process (medians of ``--runs``, default 3) with jobmaal
(``metrics.kpis`` over lazy scans) and with DuckDB SQL written from the definitions, not
from jobmaal's code, over the same Parquet files; DuckDB runs with ``memory_limit``
(``--duckdb-memory``, default 4GB) and a spill folder, so it spills instead of being
killed. The results are compared cell by cell (a mismatch stops the benchmark); the table
gives wall time and peak RSS (VmHWM) of each process and the ratios (jobmaal / DuckDB:
below 1 means jobmaal is faster or smaller). ``--engines jobmaal`` runs jobmaal alone
(where DuckDB cannot finish in the time; the output says the results were not compared),
and ``--timeout`` kills a process after that many seconds (shown as ``>N s``). DuckDB is a
dev dependency used here and in tests only.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import numpy as np
import polars as pl

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

KPIS = (
    "langtidsledige",
    "oesteuropaeiske",
    "varig_selvforsoergelse",
    "kvindeandel",
    "fleksjob_op",
    "fleksjob_over_10",
)
WEEK0 = date(2021, 1, 4)
N_WEEKS = 156
N_MONTHS = 60
LTU_BENEFITS = (
    "A-dagpenge",
    "Kontanthjælp",
    "Selvforsørgelses- og hjemrejseydelse/overgangsydelse",
    "Uddannelseshjælp",
)
BENEFITS = (*LTU_BENEFITS, "Fleksjob", "Ledighedsydelse")
MATCH = ("Jobparat", "Aktivitetsparat", "Uddannelsesparat", "Åbenlyst uddannelsesparat")
COUNTRIES = ("Danmark", "Polen", "Rumænien", "Litauen", "Syrien", "Tyskland", "Ukraine")
EASTERN = (
    "Hviderusland", "Bulgarien", "Tjekkiet", "Ungarn", "Moldova", "Polen", "Rumænien",
    "Rusland", "Slovakiet", "Ukraine", "Estland", "Letland", "Litauen",
)  # fmt: skip


def _size(text: str) -> int:
    text = text.strip().upper()
    mult = {"K": 1_000, "M": 1_000_000}.get(text[-1], 1)
    return int(float(text.rstrip("KM")) * mult)


def _munis() -> list[str]:
    from domain import areas

    return areas.municipalities().get_column("code").to_list()


# -- data -------------------------------------------------------------------------------
#
# Every table is generated in blocks of persons (about CHUNK_ROWS rows each; block k draws
# from its own stream seeded by (seed, table, k)), so memory is bounded by one block
# whatever the size, and the same seed gives the same data. Categories are drawn as small
# integer codes and turned into text by Polars gathers (no numpy text arrays).

CHUNK_ROWS = 4_000_000


def _blocks(rows: int, mean: int) -> list[tuple[int, int]]:
    """(first person id, persons) per block: about ``rows / mean`` persons in all."""
    persons = max(1, rows // mean)
    per = max(1, CHUNK_ROWS // mean)
    return [(p, min(per, persons - p)) for p in range(0, persons, per)]


def _pick(values: tuple[str, ...], codes: np.ndarray) -> pl.Series:
    """Text of integer codes (a gather from the few values)."""
    return pl.Series(values, dtype=pl.String).gather(pl.Series(codes.astype(np.uint32)))


def _spells(length: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Row -> person (index in the block) and row -> offset in the person's spell."""
    pos = np.repeat(np.arange(len(length)), length)
    offset = np.arange(int(length.sum())) - np.repeat(np.cumsum(length) - length, length)
    return pos, offset


def _ids(prefix: str, pid: np.ndarray) -> pl.Series:
    return pl.select(pl.lit(prefix) + pl.Series(pid).cast(pl.String)).to_series()


def _months(index: np.ndarray) -> pl.Series:
    """'YYYYMmm' of month indexes (year * 12 + month - 1)."""
    i = pl.Series(index)
    return pl.select(
        (i // 12).cast(pl.String) + "M" + (i % 12 + 1).cast(pl.String).str.zfill(2)
    ).to_series()


def _benefit_weeks(p0: int, n: int, r: np.random.Generator, munis: list[str]) -> pl.DataFrame:
    """Persons ``p0`` to ``p0 + n - 1``: each one spell (mean 45 weeks), about 3 % move
    municipality halfway; rows ordered by partition, ``_k`` = year * 1000 + municipality
    index."""
    mean = 45
    length = np.clip(r.geometric(1 / mean, n), 1, N_WEEKS)
    start = r.integers(0, N_WEEKS - length + 1)
    pos, offset = _spells(length)
    home = r.integers(0, len(munis), n)
    moved = r.random(n) < 0.03
    dest = r.integers(0, len(munis), n)
    muni = np.where(moved[pos] & (offset >= (length // 2)[pos]), dest[pos], home[pos])
    benefit = r.choice(len(BENEFITS), n, p=[0.36, 0.2, 0.05, 0.13, 0.2, 0.06])
    match = r.choice(len(MATCH), n, p=[0.5, 0.3, 0.15, 0.05])
    status = r.choice(3, len(pos), p=[0.72, 0.23, 0.05])
    sex = r.integers(0, 2, n)
    birth = r.integers(1958, 2005, n).astype(np.int16)
    country = r.choice(len(COUNTRIES), n, p=[0.8, 0.06, 0.05, 0.02, 0.03, 0.02, 0.02])
    week = np.datetime64(WEEK0, "D") + (start[pos] + offset) * np.timedelta64(7, "D")
    # rows ordered by partition (year, municipality), so that each is one slice
    key = (week.astype("datetime64[Y]").astype(np.int64) + 1970) * 1000 + muni
    order = np.argsort(key, kind="stable")
    pos, muni, status, week, key = pos[order], muni[order], status[order], week[order], key[order]
    bg = benefit[pos]
    pid = p0 + pos
    df = pl.DataFrame(
        {
            "person_id": _ids("B", pid),
            "municipality_code": _pick(tuple(munis), muni),
            "week_start": pl.Series(week).cast(pl.Date),
            "benefit_group": _pick(BENEFITS, bg),
            # A-dagpenge: Jobparat; Fleksjob and Ledighedsydelse: none; else the drawn group
            "match_group": _pick(MATCH, np.where(bg == 0, 0, match[pos])),
            "_nomatch": (bg == 4) | (bg == 5),
            "status": _pick(("ledig", "aktiveret", "øvrig"), status),
            "sex": _pick(("Mænd", "Kvinder"), sex[pos]),
            "birth_year": birth[pos],
            "country_of_origin": _pick(COUNTRIES, country[pos]),
            "team": _pick(("Team 1", "Team 2", "Team 3", "Team 4"), pid % 4),
        }
    )
    return df.select(
        "person_id",
        "municipality_code",
        "week_start",
        "benefit_group",
        pl.when(~pl.col("_nomatch")).then(pl.col("match_group")).alias("match_group"),
        "status",
        "sex",
        "birth_year",
        "country_of_origin",
        pl.lit(None, pl.Float64).alias("flexjob_hours"),
        "team",
        pl.Series("_k", key),
    )


def _refugee_months(p0: int, n: int, r: np.random.Generator, munis: list[str]) -> pl.DataFrame:
    """Persons ``p0`` on: on support for a while, then mostly self-supporting with a 15 %
    chance of a month without."""
    length = r.integers(12, N_MONTHS + 1, n)
    start = r.integers(0, N_MONTHS - length + 1)
    support = r.integers(1, 24, n)
    pos, offset = _spells(length)
    on = offset < support[pos]
    ss = ~on & (r.random(len(pos)) > 0.15)
    route = r.integers(0, 3, n)[pos]
    return pl.DataFrame(
        {
            "person_id": _ids("R", p0 + pos),
            "municipality_code": _pick(tuple(munis), r.integers(0, len(munis), n)[pos]),
            "month": _months(start[pos] + offset + 2019 * 12),  # from January 2019
            "sex": _pick(("Mænd", "Kvinder"), r.integers(0, 2, n)[pos]),
            "on_support": on,
            "self_supporting": ss,
            "route": _pick(("Job", "Uddannelse", "IGU"), route).set(pl.Series(~ss), None),
        }
    )


def _flexjob_months(p0: int, n: int, r: np.random.Generator, munis: list[str]) -> pl.DataFrame:
    """Persons ``p0`` on, in flexjob from January 2019: one job per person (90 % new
    scheme), started up to 3 years before the extract (then ``start_hours`` is given for half
    of them) or during it; weekly hours in half hours from 1 to 20 at start, moving by -1,
    -0.5, 0, +0.5 or +1 hour a month, and 10 % of the months unregistered."""
    mean = 30
    start = r.integers(-36, N_MONTHS - 1, n)  # start month index from January 2019
    first = np.maximum(start, 0)
    length = np.minimum(r.integers(1, 2 * mean, n), N_MONTHS - first)
    pos, offset = _spells(length)
    at_start = r.integers(2, 41, n) / 2
    step = r.choice([-1.0, -0.5, 0.0, 0.5, 1.0], len(pos), p=[0.1, 0.15, 0.5, 0.15, 0.1])
    heads = np.cumsum(length) - length
    step[heads] = 0.0  # the first month has the hours at start
    walk = np.cumsum(step)
    walk -= np.repeat(walk[heads], length)
    hours = np.clip(at_start[pos] + walk, 0, 37)
    s = start + 2019 * 12
    given = (r.random(n) < 0.5) & (start < 0)
    return pl.DataFrame(
        {
            "person_id": _ids("F", p0 + pos),
            "municipality_code": _pick(tuple(munis), r.integers(0, len(munis), n)[pos]),
            "month": _months(first[pos] + offset + 2019 * 12),
            "start_date": pl.Series(
                [date(y, m, 15) for y, m in zip(s // 12, s % 12 + 1, strict=True)]
            ).gather(pl.Series(pos.astype(np.uint32))),
            "scheme": _pick(("Ny ordning", "Gammel ordning"), (r.random(n) > 0.9)[pos]),
            "weekly_hours": pl.Series(np.where(r.random(len(pos)) < 0.1, np.nan, hours)),
            "start_hours": pl.Series(np.where(given, at_start, np.nan)[pos]),
        }
    ).with_columns(pl.col("weekly_hours", "start_hours").fill_nan(None))


_TABLES = {"person_benefit_weeks": 45, "person_refugee_months": 36, "person_flexjob_months": 30}


def build(folder: Path, rows: int, seed: int = 14) -> None:
    """Write the three tables of one size block by block (skipped when already there):
    ``person_benefit_weeks`` in the store's layout (``year=Y/municipality=M/<table>.parquet``,
    one file per partition, one row group per block), the other two one file each."""
    done = folder / ".complete"
    if done.exists():
        return
    import pyarrow.parquet as pq

    from domain.canonical import BenefitWeekSchema, FlexjobMonthSchema, RefugeeMonthSchema

    munis = _munis()
    gen = {
        "person_benefit_weeks": (_benefit_weeks, BenefitWeekSchema),
        "person_refugee_months": (_refugee_months, RefugeeMonthSchema),
        "person_flexjob_months": (_flexjob_months, FlexjobMonthSchema),
    }
    for t, (table, mean) in enumerate(_TABLES.items()):
        make, schema = gen[table]
        writers: dict[object, pq.ParquetWriter] = {}
        try:
            for k, (p0, n) in enumerate(_blocks(rows, mean)):
                r = np.random.default_rng([seed, t, k])
                df = make(p0, n, r, munis)
                if table != "person_benefit_weeks":
                    part = schema.cast(df).to_arrow()
                    if None not in writers:
                        writers[None] = pq.ParquetWriter(folder / f"{table}.parquet", part.schema)
                    writers[None].write_table(part)
                    continue
                keys = df.get_column("_k").to_numpy()
                whole = schema.cast(df.drop("_k")).to_arrow()
                firsts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
                for i, lo in enumerate(firsts):
                    hi = firsts[i + 1] if i + 1 < len(firsts) else len(keys)
                    year, muni = divmod(int(keys[lo]), 1000)
                    part = whole.slice(lo, hi - lo)
                    key = (year, muni)
                    if key not in writers:
                        out = folder / table / f"year={year}" / f"municipality={munis[muni]}"
                        out.mkdir(parents=True, exist_ok=True)
                        writers[key] = pq.ParquetWriter(out / f"{table}.parquet", part.schema)
                    writers[key].write_table(part)
                del df
        finally:
            for w in writers.values():
                w.close()
    done.touch()


# -- one run (in its own process) ---------------------------------------------------------


def _weeks_files(folder: Path) -> list[Path]:
    return sorted((folder / "person_benefit_weeks").glob("year=*/municipality=*/*.parquet"))


def run_jobmaal(kpi: str, folder: Path) -> pl.DataFrame:
    from metrics.kpis import compute_raw

    weeks = pl.scan_parquet(_weeks_files(folder))
    refugees = pl.scan_parquet(folder / "person_refugee_months.parquet")
    flex = pl.scan_parquet(folder / "person_flexjob_months.parquet")
    inputs = {
        "person_benefit_weeks": weeks,
        "person_refugee_months": refugees,
        "person_flexjob_months": flex,
    }
    metric = {
        "langtidsledige": "langtidsledige_persondata",
        "oesteuropaeiske": "andel_oesteuropaeiske_forsikrede_persondata",
        "varig_selvforsoergelse": "flygtninge_varig_selvforsoergelse",
        "kvindeandel": "flygtninge_kvindeandel",
        "fleksjob_op": "fleksjob_andel_op",
        "fleksjob_over_10": "fleksjob_andel_over_10_timer",
    }[kpi]
    raw = compute_raw(inputs, metric)
    return raw.select(
        pl.col("area_code").alias("municipality_code"), "period", "numerator", "denominator"
    )


_MONTH = "strftime(week_start + INTERVAL 3 DAY, '%YM%m')"
_MSTART = "CAST(date_trunc('month', week_start + INTERVAL 3 DAY) AS DATE)"
_WI = "(date_diff('day', DATE '1970-01-05', {d}) // 7)"
_FIRST_MONDAY = "(ps + CAST(((4 - isodow(ps)) + 7) % 7 - 3 AS INTEGER))"


def _sql(kpi: str, folder: Path) -> str:
    weeks = f"read_parquet('{folder}/person_benefit_weeks/*/*/*.parquet')"
    refugees = f"read_parquet('{folder}/person_refugee_months.parquet')"
    ltu = ", ".join(f"'{b}'" for b in LTU_BENEFITS)
    east = ", ".join(f"'{c}'" for c in EASTERN)
    if kpi == "langtidsledige":
        return f"""
        WITH w AS (SELECT * FROM {weeks}),
        first AS (SELECT MIN({_WI.format(d="week_start")}) AS f FROM w),
        q AS (
            SELECT person_id, municipality_code, week_start, benefit_group, match_group,
                   {_WI.format(d="week_start")} AS wi
            FROM w WHERE status IN ('ledig', 'aktiveret') AND benefit_group IN ({ltu})
        ),
        c AS (
            SELECT *, COUNT(*) OVER (PARTITION BY person_id ORDER BY wi
                                     RANGE BETWEEN 51 PRECEDING AND CURRENT ROW) AS n52
            FROM q
        ),
        l AS (
            SELECT municipality_code, {_MONTH} AS period, {_MSTART} AS ps, COUNT(*) AS n
            FROM c
            WHERE n52 >= 42 AND (match_group IN ('Jobparat', 'Uddannelsesparat',
                  'Åbenlyst uddannelsesparat')
                  OR (match_group IS NULL AND benefit_group = 'A-dagpenge'))
            GROUP BY ALL
        ),
        months AS (
            SELECT DISTINCT municipality_code, {_MONTH} AS period, {_MSTART} AS ps FROM w
        )
        SELECT m.municipality_code, m.period,
               COALESCE(l.n, 0) / CAST(((day(last_day(m.ps)) - 1
                   - ((4 - isodow(m.ps)) + 7) % 7) // 7 + 1) AS DOUBLE) AS numerator,
               CAST(NULL AS DOUBLE) AS denominator
        FROM months m CROSS JOIN first
        LEFT JOIN l USING (municipality_code, period)
        WHERE {_WI.format(d=_FIRST_MONDAY.replace("ps", "m.ps"))} - 51 >= first.f
        """
    if kpi == "oesteuropaeiske":
        return f"""
        SELECT municipality_code, {_MONTH} AS period,
               CAST(SUM(CASE WHEN country_of_origin IN ({east}) THEN 1 ELSE 0 END) AS DOUBLE)
                   AS numerator,
               CAST(COUNT(*) AS DOUBLE) AS denominator
        FROM {weeks}
        WHERE day(week_start + INTERVAL 3 DAY) <= 7 AND benefit_group = 'A-dagpenge'
              AND status = 'ledig'
        GROUP BY ALL
        """
    if kpi.startswith("fleksjob"):
        return _flex_sql(kpi, f"read_parquet('{folder}/person_flexjob_months.parquet')")
    reached = f"""
        WITH r AS (
            SELECT person_id, municipality_code, sex, on_support, self_supporting,
                   CAST(substr(month, 1, 4) AS INTEGER) * 12
                   + CAST(substr(month, 6, 2) AS INTEGER) AS i
            FROM {refugees}
        ),
        fs AS (SELECT person_id, MIN(i) AS f FROM r WHERE on_support GROUP BY person_id),
        ss AS (
            SELECT *,
              COUNT(*) OVER (PARTITION BY person_id ORDER BY i
                             RANGE BETWEEN 5 PRECEDING AND CURRENT ROW) AS n6,
              COUNT(*) OVER (PARTITION BY person_id ORDER BY i
                             RANGE BETWEEN 6 PRECEDING AND CURRENT ROW) AS n7
            FROM r WHERE self_supporting
        ),
        reached AS (
            SELECT ss.* FROM ss JOIN fs USING (person_id)
            WHERE n6 = 6 AND n7 = 6 AND fs.f < ss.i - 5
            QUALIFY row_number() OVER (PARTITION BY person_id ORDER BY ss.i) = 1
        )
        SELECT municipality_code,
               CAST((i - 1) // 12 AS VARCHAR) || 'M' || lpad(CAST((i - 1) % 12 + 1 AS VARCHAR),
                   2, '0') AS period,
               CAST(SUM(CASE WHEN sex = 'Kvinder' THEN 1 ELSE 0 END) AS DOUBLE) AS women,
               CAST(COUNT(*) AS DOUBLE) AS total
        FROM reached GROUP BY ALL
    """
    if kpi == "varig_selvforsoergelse":
        return f"SELECT municipality_code, period, total AS numerator, " \
               f"CAST(NULL AS DOUBLE) AS denominator FROM ({reached})"  # fmt: skip
    return f"SELECT municipality_code, period, women AS numerator, total AS denominator FROM ({reached})"  # noqa: E501


def _flex_sql(kpi: str, flex: str) -> str:
    """Plan 4.6 from the definitions (docs: registry, fleksjob_andel_*): new scheme only; a
    job is a person and start date; hours at start are the given start hours, else the
    first registered month's when the extract reaches back to the start month. In June a
    job with hours registered that month and in at least 6 months up to it, and 1-10 hours
    at start, went up, down or stayed (to 0.1 hour). Over 10 hours: June persons above 10
    hours among all June persons of the new scheme."""
    base = f"""
        WITH f AS (
            SELECT *, CAST(substr(month, 1, 4) AS INTEGER) * 12
                      + CAST(substr(month, 6, 2) AS INTEGER) AS i
            FROM {flex} WHERE scheme = 'Ny ordning'
        )"""
    if kpi == "fleksjob_over_10":
        return f"""{base}
        SELECT municipality_code, month AS period,
               CAST(COUNT(DISTINCT CASE WHEN weekly_hours > 10 THEN person_id END) AS DOUBLE)
                   AS numerator,
               CAST(COUNT(DISTINCT person_id) AS DOUBLE) AS denominator
        FROM f WHERE month LIKE '%M06' GROUP BY ALL
        """
    return f"""{base},
        job AS (
            SELECT person_id, start_date,
                   arg_min(start_hours, i) FILTER (WHERE start_hours IS NOT NULL) AS given,
                   arg_min(weekly_hours, i) FILTER (WHERE weekly_hours IS NOT NULL) AS first_h,
                   MIN(i) AS first_i
            FROM f GROUP BY person_id, start_date
        ),
        counted AS (
            SELECT *, COUNT(weekly_hours) OVER (PARTITION BY person_id, start_date ORDER BY i
                          ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS n_reg
            FROM f
        ),
        june AS (
            SELECT c.municipality_code, c.month, c.weekly_hours, c.n_reg,
                   COALESCE(job.given, CASE WHEN job.first_i = year(c.start_date) * 12
                       + month(c.start_date) THEN job.first_h END) AS at_start
            FROM counted c JOIN job USING (person_id, start_date)
            WHERE c.month LIKE '%M06' AND c.weekly_hours IS NOT NULL
        )
        SELECT municipality_code, month AS period,
               CAST(SUM(CASE WHEN round(weekly_hours, 1) > round(at_start, 1) THEN 1 ELSE 0
                   END) AS DOUBLE) AS numerator,
               CAST(COUNT(*) AS DOUBLE) AS denominator
        FROM june
        WHERE n_reg >= 6 AND at_start > 0 AND at_start <= 10
        GROUP BY ALL
        """


DUCKDB = {"memory_limit": "4GB"}  # set from --duckdb-memory


def run_duckdb(kpi: str, folder: Path) -> pl.DataFrame:
    """DuckDB with a memory limit and a spill folder, so a huge size spills to disk instead
    of being killed."""
    import duckdb

    spill = folder / ".duckdb-tmp"
    spill.mkdir(exist_ok=True)
    con = duckdb.connect()
    con.execute(f"SET memory_limit = '{DUCKDB['memory_limit']}'")
    con.execute(f"SET temp_directory = '{spill}'")
    return con.sql(_sql(kpi, folder)).pl()


def _peak_rss_kb() -> int:
    """This process's peak resident memory (VmHWM; unlike ``ru_maxrss`` of a child, not
    inherited from the parent that forked it)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise RuntimeError("no VmHWM in /proc/self/status")


def worker(engine: str, kpi: str, folder: Path, out: Path) -> None:
    """One KPI with one engine; prints the seconds of the computation (imports excluded)."""
    if engine == "jobmaal":
        import metrics.kpis  # noqa: F401
    else:
        import duckdb  # noqa: F401
    t0 = time.perf_counter()
    df = run_jobmaal(kpi, folder) if engine == "jobmaal" else run_duckdb(kpi, folder)
    elapsed = time.perf_counter() - t0
    df.write_parquet(out)
    print(f"{elapsed:.6f} {_peak_rss_kb()}")


# -- driver -----------------------------------------------------------------------------


def _one(
    engine: str, kpi: str, folder: Path, out: Path, timeout: float | None
) -> tuple[float, float] | None:
    """Seconds (measured inside the process) and peak RSS (VmHWM) in GB of one fresh
    process; None when it did not finish within ``timeout`` seconds (then it is killed)."""
    out.unlink(missing_ok=True)
    cmd = [sys.executable, __file__, "--worker", engine, kpi, str(folder), str(out)]
    if engine == "duckdb":
        cmd += ["--duckdb-memory", DUCKDB["memory_limit"]]
    try:
        proc = subprocess.run(cmd, stdout=subprocess.PIPE, cwd=ROOT, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return None
    if proc.returncode != 0:
        raise SystemExit(f"{engine} {kpi} failed (exit {proc.returncode})")
    seconds, kb = proc.stdout.decode().strip().splitlines()[-1].split()
    return float(seconds), int(kb) / 1024 / 1024


def _same(a: pl.DataFrame, b: pl.DataFrame, kpi: str) -> str:
    """'' when equal; otherwise what differs. Months where jobmaal reports 0 for a count
    (a covered month nobody reached) may be absent in DuckDB's answer, which has rows
    only where someone is counted."""
    key = ["municipality_code", "period"]
    if kpi in ("varig_selvforsoergelse", "kvindeandel"):
        a = a.filter(pl.col("denominator").fill_null(pl.col("numerator")) > 0)
    j = a.join(b, on=key, how="full", coalesce=True, suffix="_duckdb")
    bad = j.filter(
        ~(
            ((pl.col("numerator") - pl.col("numerator_duckdb")).abs() < 1e-9)
            & (
                (pl.col("denominator").is_null() & pl.col("denominator_duckdb").is_null())
                | ((pl.col("denominator") - pl.col("denominator_duckdb")).abs() < 1e-9)
            )
        )
    )
    if bad.height:
        return f"{bad.height} of {j.height} cells differ"
    return ""


def _line(
    kpi: str,
    label: str,
    times: dict[str, list[float]],
    rss: dict[str, list[float]],
    timeout: float | None,
) -> str:
    """One row of the table (without the 'same' cell); '-' for an engine not run, 'late'
    for one killed at the timeout."""

    def cell(d: dict[str, list[float]], engine: str, width: int) -> str:
        if engine not in d:
            return f"{'-':>{width}}"
        if not d[engine]:
            return f"{f'>{timeout:.0f} s':>{width}}"
        return f"{statistics.median(d[engine]):>{width}.2f}"

    def ratio(d: dict[str, list[float]]) -> str:
        if any(not d.get(e) for e in ("jobmaal", "duckdb")):
            return f"{'-':>6}"
        return f"{statistics.median(d['jobmaal']) / statistics.median(d['duckdb']):>5.2f}x"

    return (
        f"| {kpi:<24} | {label:>5} | {cell(times, 'jobmaal', 9)} | {cell(times, 'duckdb', 8)} "
        f"| {ratio(times)} | {cell(rss, 'jobmaal', 10)} | {cell(rss, 'duckdb', 9)} "
        f"| {ratio(rss)} |"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--sizes", default="1M,10M")
    ap.add_argument("--huge", action="store_true", help="add 100M and 200M rows")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--kpis", default=",".join(KPIS))
    ap.add_argument("--dir", type=Path, default=Path("/tmp/jobmaal-bench-person"))
    ap.add_argument(
        "--engines",
        default="jobmaal,duckdb",
        help="jobmaal,duckdb (default) or jobmaal alone where DuckDB cannot finish in time",
    )
    ap.add_argument("--timeout", type=float, default=None, help="seconds per process; then killed")
    ap.add_argument(
        "--duckdb-memory",
        default=DUCKDB["memory_limit"],
        help="DuckDB memory_limit (spills beyond)",
    )
    ap.add_argument("--worker", nargs=4, metavar=("ENGINE", "KPI", "DIR", "OUT"))
    args = ap.parse_args()
    DUCKDB["memory_limit"] = args.duckdb_memory
    if args.worker:
        engine, kpi, folder, out = args.worker
        worker(engine, kpi, Path(folder), Path(out))
        return
    sizes = [_size(s) for s in args.sizes.split(",") if s]
    if args.huge:
        sizes += [100_000_000, 200_000_000]
    engines = [e for e in ("jobmaal", "duckdb") if e in args.engines.split(",")]
    if "duckdb" not in engines:
        print("# jobmaal alone (--engines jobmaal): no DuckDB time, results not compared")
    else:
        print(f"# DuckDB: memory_limit {DUCKDB['memory_limit']}, spills to <size>/.duckdb-tmp")
    print(f"# {args.runs} run(s) per KPI and engine, each a fresh process; peak RSS = VmHWM")
    header = (
        f"| {'KPI':<24} | {'rows':>5} | {'jobmaal s':>9} | {'DuckDB s':>8} | {'ratio':>6} "
        f"| {'jobmaal GB':>10} | {'DuckDB GB':>9} | {'ratio':>6} | same |"
    )
    lines = [header, "|" + "|".join("-" * (len(c)) for c in header.split("|")[1:-1]) + "|"]
    print(header, flush=True)
    for rows in sizes:
        folder = args.dir / f"{rows}"
        t0 = time.perf_counter()
        folder.mkdir(parents=True, exist_ok=True)
        build(folder, rows)
        print(f"# data for {rows:,} rows ready in {time.perf_counter() - t0:.0f} s", flush=True)
        for kpi in args.kpis.split(","):
            times: dict[str, list[float]] = {e: [] for e in engines}
            rss: dict[str, list[float]] = {e: [] for e in engines}
            results: dict[str, pl.DataFrame] = {}
            late: set[str] = set()
            for _ in range(args.runs):
                for engine in engines:
                    if engine in late:
                        continue
                    out = folder / f".result-{engine}-{kpi}.parquet"
                    got = _one(engine, kpi, folder, out, args.timeout)
                    if got is None:
                        late.add(engine)
                        continue
                    times[engine].append(got[0])
                    rss[engine].append(got[1])
                    results[engine] = pl.read_parquet(out)
            label = f"{rows // 1_000_000}M" if rows >= 1_000_000 else str(rows)
            line = _line(kpi, label, times, rss, args.timeout)
            diff = ""
            if len(results) == 2:
                diff = _same(results["jobmaal"], results["duckdb"], kpi)
                line += " yes |" if not diff else " NO |"
            else:
                line += " n/a |"
            lines.append(line)
            print(line, flush=True)
            if diff:
                raise SystemExit(f"{kpi} at {rows:,} rows: jobmaal and DuckDB differ: {diff}")
    print("\n".join(["", *lines]))


if __name__ == "__main__":
    main()
