"""The persistent page cache (``dashboard.page_cache``) and the cheaper cold build (issue 14):
what is kept on disk shows no figure about fewer than 5 persons, is read back identical,
is written atomically with private permissions and follows the data version; ``pick``
skips only dimensions that are the total in every row."""

from __future__ import annotations

import dataclasses
import stat
from pathlib import Path

import polars as pl
import pytest
import streamlit as st
from polars.testing import assert_frame_equal

from dashboard import loaders, page_cache
from data_connectors.store import Store
from domain.canonical import DIMENSIONS
from metrics import api, kpis
from metrics.api import Method, Status, TargetResult
from metrics.series import protected, protected_key
from tests.builders import make_agg


def _series(
    metric_id: str, numerator: float | None, denominator: float | None, sup: bool
) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "metric_id": [metric_id],
            "numerator": [numerator],
            "denominator": [denominator],
            "suppressed": [sup],
        },
        schema={
            "metric_id": pl.String,
            "numerator": pl.Float64,
            "denominator": pl.Float64,
            "suppressed": pl.Boolean,
        },
    )


@pytest.mark.parametrize(
    ("metric_id", "num", "den", "sup", "safe"),
    [
        # 3 long-term unemployed shown: a count of 1-4 persons, never kept
        ("langtidsledige", 3.0, None, False, False),
        # the same row suppressed (finalize nulls it): kept
        ("langtidsledige", None, None, True, True),
        # 0 and 5 are not small
        ("langtidsledige", 0.0, None, False, True),
        ("langtidsledige", 5.0, None, False, True),
        # a share of 9 of 12: the rest (12 - 9 = 3, e.g. the men) is small
        ("flygtninge_kvindeandel", 9.0, 12.0, False, False),
        # 6 of 12: 6 and 6, nothing small
        ("flygtninge_kvindeandel", 6.0, 12.0, False, True),
        # a denominator of 4: small
        ("flygtninge_kvindeandel", 0.0, 4.0, False, False),
        # company visits are not about persons: 3 visits may be shown and kept
        ("virksomhedsbesoeg", 3.0, None, False, True),
    ],
)
def test_only_frames_without_small_person_figures_are_kept(
    metric_id: str, num: float | None, den: float | None, sup: bool, safe: bool
) -> None:
    assert page_cache.safe_to_keep(_series(metric_id, num, den, sup)) is safe


def test_a_frame_is_computed_once_then_read_from_disk(tmp_path: Path) -> None:
    calls: list[int] = []
    df = _series("langtidsledige", 116.0, None, False)

    def build() -> pl.DataFrame:
        calls.append(1)
        return df

    a = page_cache.frame(tmp_path, "v1", "kpi_series", ("langtidsledige", ("710",)), build)
    b = page_cache.frame(tmp_path, "v1", "kpi_series", ("langtidsledige", ("710",)), build)
    assert len(calls) == 1
    assert_frame_equal(a, df)
    assert_frame_equal(b, df)
    (path,) = page_cache.folder(tmp_path, "v1").iterdir()  # no temporary file left behind
    assert path.suffix == ".parquet"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    # other arguments: another entry
    page_cache.frame(tmp_path, "v1", "kpi_series", ("langtidsledige", ("751",)), build)
    assert len(calls) == 2


def test_a_new_version_computes_again_and_drops_the_old_one(tmp_path: Path) -> None:
    calls: list[int] = []

    def build() -> pl.DataFrame:
        calls.append(1)
        return _series("langtidsledige", 116.0, None, False)

    page_cache.frame(tmp_path, "v1", "status", (), build)
    page_cache.frame(tmp_path, "v2", "status", (), build)
    assert len(calls) == 2
    assert not page_cache.folder(tmp_path, "v1").exists()
    assert page_cache.folder(tmp_path, "v2").is_dir()


def test_an_unsafe_frame_is_never_written(tmp_path: Path) -> None:
    small = _series("langtidsledige", 3.0, None, False)
    out = page_cache.frame(tmp_path, "v1", "kpi_series", (), lambda: small)
    assert_frame_equal(out, small)  # still returned to the caller
    folder = page_cache.folder(tmp_path, "v1")
    assert not folder.exists() or not any(folder.iterdir())


def test_a_damaged_file_is_computed_again(tmp_path: Path) -> None:
    df = _series("langtidsledige", 116.0, None, False)
    page_cache.frame(tmp_path, "v1", "status", (), lambda: df)
    (path,) = page_cache.folder(tmp_path, "v1").iterdir()
    path.write_bytes(b"not parquet")
    assert_frame_equal(page_cache.frame(tmp_path, "v1", "status", (), lambda: df), df)
    assert_frame_equal(pl.read_parquet(path), df)  # rewritten


def test_a_cache_that_cannot_be_written_is_no_error(tmp_path: Path) -> None:
    # "cache" is a file here, so no folder can be made under it (as with a read-only dir)
    (tmp_path / "cache").write_text("in the way", encoding="utf-8")
    df = _series("langtidsledige", 116.0, None, False)
    assert_frame_equal(page_cache.frame(tmp_path, "v1", "status", (), lambda: df), df)
    assert (tmp_path / "cache").read_text(encoding="utf-8") == "in the way"


def test_judged_targets_round_trip() -> None:
    r = TargetResult(
        id="2",
        goal=1,
        label="Langtidsledige",
        metric_id="langtidsledige",
        kind="at_most",
        value=None,
        target=120.0,
        gap=None,
        status=Status.AT_RISK,
        projection=None,
        method=Method.MEAN,
        baseline=130.5,
        baseline_stated=None,
        baseline_period="2021Y01",
        unit="fuldtidspersoner",
        periods_covered="2022M01-2022M06",
        periods_label="jan-jun 2022",
        n_periods=6,
        year_complete=False,
        suppressed=True,
        explanation="Tallet er diskretioneret.",
        reduction_consistent=None,
        notes=("en", "to"),
        wording="Højst 120",
    )
    no_method = dataclasses.replace(r, method=None)
    back = page_cache.results_from_frame(page_cache.results_to_frame([r, no_method]))
    assert back == [r, no_method]


def test_the_pages_read_the_same_figures_from_disk(
    demo_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A page's series, comparison, ranking and judged plan in a fresh process (the page
    cache filled, every in-process cache empty) equal the computed ones."""
    monkeypatch.setenv("JOBMAAL_DATA_DIR", str(demo_store.data_dir))
    key = loaders.store_key()
    page_cache.clear(demo_store.data_dir)
    ref = loaders.find_plan("710", 2022)
    assert ref is not None

    def build() -> dict[str, object]:
        st.cache_data.clear()
        st.cache_resource.clear()
        kpis.clear_cache()
        return {
            "series": loaders.kpi_series(key, "langtidsledige", ("710",), "benefit_group"),
            "comparison": loaders.comparison(key, "flygtninge_kvindeandel", "710"),
            "ranking": loaders.ranking(key, "langtidsledige", 2022),
            "per_lf": loaders.ranking_per_labour_force(key, "langtidsledige", 2022),
            "status": loaders.status(key),
            "results": loaders.evaluate_targets(key, ref.path, ref.mtime, "2022M06"),
        }

    try:
        page_cache.ENABLED = False
        computed = build()
        page_cache.ENABLED = True
        build()  # written
        files = list(page_cache.folder(demo_store.data_dir, loaders.version(key)).iterdir())
        assert len(files) == 6
        read = build()  # read back
    finally:
        page_cache.ENABLED = True
        page_cache.clear(demo_store.data_dir)
    for name, value in computed.items():
        if isinstance(value, pl.DataFrame):
            assert isinstance(read[name], pl.DataFrame)
            assert_frame_equal(read[name], value)  # type: ignore[arg-type]
        else:
            assert read[name] == value
    # the suppressed figures stayed hidden on disk too (the women's share has such months)
    comp = read["comparison"]
    assert isinstance(comp, pl.DataFrame)
    hidden = comp.filter(pl.col("suppressed"))
    assert hidden.height and hidden["value"].null_count() == hidden.height


def test_pick_skips_only_dimensions_that_are_the_total_everywhere() -> None:
    """Two municipalities' rows of one month: sex varies, every other dimension is "I alt";
    a null counts as varying (the window would drop its row)."""
    rows = [
        {"period": "2022M01", "measure_id": "personer", "value": 10.0},
        {"period": "2022M01", "measure_id": "personer", "sex": "Kvinder", "value": 4.0},
        {"period": "2022M01", "measure_id": "personer", "sex": "Mænd", "value": 6.0},
    ]
    lf = make_agg("fasit_selvforsoergelse", rows).lazy()
    assert kpis.varying_dims(lf) == ("sex",)
    with_null = lf.with_columns(pl.lit(None, pl.String).alias("route"))
    assert kpis.varying_dims(with_null) == ("sex", "route")
    # the same cells as with a window per dimension: the total, 10
    auto = kpis.pick(lf, "personer").collect()
    every = kpis.pick(lf, "personer", dims=DIMENSIONS).collect()
    assert_frame_equal(auto, every)
    assert auto["value"].to_list() == [10.0]
    by_sex = kpis.pick(lf, "personer", by="sex").collect().sort("group")
    assert by_sex["value"].to_list() == [4.0, 6.0]


def test_the_protected_frame_is_shared_by_series_and_target_evaluation() -> None:
    """One protect per data version, metric and selection: the page's series and the plan's
    judgement read the same frame."""
    kpis.clear_cache()
    df = make_agg(
        "y25i09",
        [
            {"period": f"2022M{m:02d}", "measure_id": "fuldtidspersoner", "value": 100.0}
            for m in range(1, 4)
        ],
    )
    ins = kpis.VersionedInputs({"y25i09": df.lazy()}, version="v1")
    metric = api.get_metric("langtidsledige")
    try:
        api.kpi_series(ins, "langtidsledige")
        key = ("v1", *protected_key(metric, None, None))
        with kpis._RAW_LOCK:
            kept = kpis._RAW_CACHE[key]
        assert protected(ins, metric, None, None, lambda: pytest.fail("computed again")) is kept
    finally:
        kpis.clear_cache()
