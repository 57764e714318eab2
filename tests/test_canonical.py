import polars as pl
import pytest

from domain.areas import UnknownArea, area_by_name, municipalities, region_of
from domain.canonical import (
    AggregateSchema,
    SchemaViolation,
    validate,
)
from tests.builders import agg_row


def row(**kw: object) -> dict[str, object]:
    """Favrskov's long-term unemployed in May 2021 (199), with fields overridden by kw."""
    return {**agg_row("y25i09", "2021M05", "710", "fuldtidspersoner", 199.0), **kw}


def test_valid_rows_pass() -> None:
    df = pl.DataFrame(
        [row(), row(period="2021M06"), row(period="2021M07", value=None, suppressed=True)]
    )
    out = validate(df, AggregateSchema, "x.csv")
    assert out.height == 3
    assert out.schema["value"] == pl.Float64


def test_error_names_file_row_and_column() -> None:
    df = pl.DataFrame([row(), row(period="2021M06"), row(period="2021M07", area_code="71")])
    with pytest.raises(SchemaViolation) as e:
        validate(df, AggregateSchema, "extract.csv")
    assert e.value.row == 3
    assert e.value.column == "area_code"
    assert "extract.csv" in str(e.value) and "row 3" in str(e.value)


def test_null_value_must_be_flagged_suppressed() -> None:
    df = pl.DataFrame([row(), row(period="2021M06", value=None, suppressed=False)])
    with pytest.raises(SchemaViolation, match="row 2"):
        validate(df, AggregateSchema, "x")


def test_duplicate_key_is_rejected() -> None:
    df = pl.DataFrame([row(), row(value=200.0)])
    with pytest.raises(SchemaViolation, match="same key"):
        validate(df, AggregateSchema, "x")


def test_missing_column_is_named() -> None:
    df = pl.DataFrame([row()]).drop("measure_id")
    with pytest.raises(SchemaViolation, match="measure_id"):
        validate(df, AggregateSchema, "x")


def test_reference_has_98_municipalities_in_5_regions() -> None:
    m = municipalities()
    assert m.height == 98
    assert m["code"].n_unique() == 98
    assert m["region_code"].n_unique() == 5


def test_area_matching() -> None:
    assert area_by_name("Favrskov").code == "710"
    assert area_by_name("Favrskov Kommune").code == "710"
    assert area_by_name("Lyngby-Taarbæk").code == "173"
    assert area_by_name("Hele landet").code == "000"
    assert region_of("710").name == "Region Midtjylland"
    with pytest.raises(UnknownArea, match="Uoplyst område"):
        area_by_name("Uoplyst område")


def test_reference_constant_matches_the_shared_reference_csv() -> None:
    import csv
    from pathlib import Path

    shared = Path(__file__).resolve().parents[2] / "shared" / "reference" / "municipalities.csv"
    if not shared.is_file():
        pytest.skip("shared/reference not beside the checkout")
    with shared.open(encoding="utf-8") as fh:
        want = [
            (r["code"], r["name"], r["region_code"], r["region_name"]) for r in csv.DictReader(fh)
        ]
    assert municipalities().rows() == want
