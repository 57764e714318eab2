"""One person-level KPI run unchanged on a distributed engine (a local PySpark session).

The Eastern European share's counting step (``metrics.person.portable``) is one narwhals
lazy plan: jobmaal runs it on Polars; here the same function runs on PySpark (Java 17) and
must give the hand-worked figures of ``tests/test_person_kpis.py`` and jobmaal's own.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from datetime import date, timedelta

import narwhals as nw
import polars as pl
import pytest

from domain.datasets import EASTERN_EUROPE
from metrics.person import insured_eastern_share
from metrics.person.portable import insured_eastern_cells

pytestmark = pytest.mark.distributed

WEEK0 = date(2021, 1, 4)
COLUMNS = ("municipality_code", "week_start", "benefit_group", "status", "country_of_origin")


def _rows() -> list[tuple[str, date, str, str, str]]:
    """Week 52 is Monday 3 January 2022 (first week of January), week 56 is Monday 31
    January (its Thursday is 3 February: first week of February), week 53 is no first week.
    Q Danish ledig on A-dagpenge weeks 52 and 56; P Polish ledig week 56; R Romanian
    activated week 56; S Polish on kontanthjælp week 56; T Polish ledig week 53.
    January: 0 of 1 (Q); February: 1 (P) of 2 (P, Q)."""

    def week(n: int) -> date:
        return WEEK0 + timedelta(weeks=n)

    return [
        ("710", week(52), "A-dagpenge", "ledig", "Danmark"),
        ("710", week(56), "A-dagpenge", "ledig", "Danmark"),
        ("710", week(56), "A-dagpenge", "ledig", "Polen"),
        ("710", week(56), "A-dagpenge", "aktiveret", "Rumænien"),
        ("710", week(56), "Kontanthjælp", "ledig", "Polen"),
        ("710", week(53), "A-dagpenge", "ledig", "Polen"),
        ("706", week(56), "A-dagpenge", "ledig", "Litauen"),
    ]


@pytest.fixture(scope="module")
def spark() -> Iterator[object]:
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        pytest.skip("no Java runtime: `make system-deps` installs openjdk-17-jre-headless")
    from pyspark.sql import SparkSession

    session = (
        SparkSession.builder.master("local[1]")
        .appName("jobmaal-distributed-test")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "1")
        .config("spark.sql.session.timeZone", "UTC")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def test_eastern_share_runs_unchanged_on_pyspark(spark: object) -> None:
    from pyspark.sql import SparkSession

    assert isinstance(spark, SparkSession)
    sdf = spark.createDataFrame(
        _rows(),
        schema="municipality_code string, week_start date, benefit_group string, "
        "status string, country_of_origin string",
    )
    on_spark = (
        insured_eastern_cells(nw.from_native(sdf), EASTERN_EUROPE)
        .collect(backend="polars")
        .to_native()
        .sort("municipality_code", "year", "month")
    )
    got = {
        (r["municipality_code"], r["year"], r["month"]): (r["numerator"], r["denominator"])
        for r in on_spark.iter_rows(named=True)
    }
    assert got == {
        ("706", 2022, 2): (1.0, 1.0),
        ("710", 2022, 1): (0.0, 1.0),
        ("710", 2022, 2): (1.0, 2.0),
    }
    # jobmaal's own KPI (Polars) gives the same figures.
    local = pl.DataFrame(_rows(), schema=list(COLUMNS), orient="row").lazy()
    raw = insured_eastern_share(local).collect()
    mine = {
        (r["area_code"], r["period"]): (r["numerator"], r["denominator"])
        for r in raw.iter_rows(named=True)
    }
    assert mine == {(m, f"{y}M{mo:02d}"): v for (m, y, mo), v in got.items()}
