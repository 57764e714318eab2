"""Complementary suppression (``metrics.series.protect``) after it became integer group-bys
(issue 14): hand-worked cases of the lone cell, the tie for the smallest and the rounds."""

from __future__ import annotations

from datetime import date

import polars as pl

from domain.registry import get_metric
from metrics.kpis import RAW_SCHEMA
from metrics.series import protect

METRIC = get_metric("langtidsledige")  # a count of persons, averaged over the year


def _raw(cells: list[tuple[str, str, float]]) -> pl.DataFrame:
    """(area, group, numerator) rows of January 2022, municipalities of Region Midtjylland."""
    return pl.DataFrame(
        [
            {
                "period": "2022M01",
                "period_start": date(2022, 1, 1),
                "period_end": date(2022, 1, 31),
                "area_code": area,
                "area_name": area,
                "area_level": "kommune",
                "group": group,
                "numerator": value,
                "denominator": None,
                "in_suppressed": False,
                "total_unknown": False,
            }
            for area, group, value in cells
        ],
        schema=RAW_SCHEMA,
    )


def _suppressed(df: pl.DataFrame) -> set[tuple[str, str]]:
    rows = df.filter(pl.col("suppressed")).select("area_code", "group").iter_rows()
    return {(str(a), str(g)) for a, g in rows}


def test_a_lone_group_takes_the_first_of_two_equally_small_groups() -> None:
    """Favrskov (710), January: A 3, B 10, C 10, total 23. A is under 5 (primary); it is
    the only suppressed group, so 23 - 10 - 10 would give it back: the smallest shown
    group goes too. B and C tie at 10; the first by group name, B, is taken. No region or
    country row is shown, and the month is alone in its year: nothing more."""
    df = protect(
        _raw([("710", "A", 3), ("710", "B", 10), ("710", "C", 10), ("710", "I alt", 23)]),
        METRIC,
    )
    assert _suppressed(df) == {("710", "A"), ("710", "B")}


def test_a_second_cell_suppressed_in_one_structure_makes_a_lone_cell_in_another() -> None:
    """Region Midtjylland (082) shown with 3 municipalities, by group in Favrskov only:
    Favrskov A 3 (primary), B 8, total 11; Aarhus (751) total 40; Randers (730) total 30;
    the region's total 81.
    Round 1, groups of Favrskov: A is lone, B (8) goes with it. Municipalities -> region
    (group "I alt"): no total of Favrskov is suppressed yet, nothing. Round 2: nothing
    new. So Favrskov's total stays shown: 11 - 3 - 8 cannot be undone from shown cells
    because both groups are hidden."""
    df = protect(
        _raw(
            [
                ("710", "A", 3),
                ("710", "B", 8),
                ("710", "I alt", 11),
                ("751", "I alt", 40),
                ("730", "I alt", 30),
                ("082", "I alt", 81),
            ]
        ).with_columns(
            pl.when(pl.col("area_code") == "082")
            .then(pl.lit("region"))
            .otherwise(pl.col("area_level"))
            .alias("area_level")
        ),
        METRIC,
    )
    assert _suppressed(df) == {("710", "A"), ("710", "B")}


def test_a_lone_municipality_takes_the_smallest_neighbour_in_its_region() -> None:
    """Region Midtjylland (082) total 81: Favrskov 4 (primary), Aarhus 47, Randers 30.
    Region minus the others would give Favrskov's 4 back: Randers (30, the smallest shown
    municipality of the region) is suppressed too."""
    df = protect(
        _raw(
            [("710", "I alt", 4), ("751", "I alt", 47), ("730", "I alt", 30), ("082", "I alt", 81)]
        ).with_columns(
            pl.when(pl.col("area_code") == "082")
            .then(pl.lit("region"))
            .otherwise(pl.col("area_level"))
            .alias("area_level")
        ),
        METRIC,
    )
    assert _suppressed(df) == {("710", "I alt"), ("730", "I alt")}


def test_nothing_suppressed_keeps_every_row() -> None:
    df = protect(_raw([("710", "A", 6), ("710", "B", 10), ("710", "I alt", 16)]), METRIC)
    assert df.height == 3 and not df["suppressed"].any()
    assert df["group"].to_list() == ["A", "B", "I alt"]  # sorted as with suppression
