"""One pure Polars function per metric: canonical frames in, a tidy "raw" frame out.

The raw frame keeps numerator and denominator unsuppressed so that any later aggregation
(over months, areas, comparison groups) is a ratio of sums; suppression of small figures
is applied last, in ``metrics.api``. Raw columns (``RAW_COLUMNS``):

``period, period_start, period_end, area_code, area_name, area_level, group,
numerator, denominator, in_suppressed``

``numerator`` is the metric's value for count metrics (``denominator`` null), and the
count above the fraction line for shares (value = 100 * numerator / denominator).
``in_suppressed`` is True when a source cell the row depends on was suppressed.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping, Sequence

import polars as pl

from domain import areas
from domain.canonical import DIMENSIONS, PERSON_TABLES, TOTAL
from domain.datasets import (
    DATASETS,
    EASTERN_EUROPE,
    FIRST_KH_2025_MONTH,
    LAST_UDH_MONTH,
    SPELLINGS,
    SUBTOTALS,
)
from domain.periods import parse_period
from domain.registry import METRICS, Count, MetricDef
from metrics.person import insured_eastern_share, long_term_unemployed_persons
from metrics.person.flexjob import reference_month_rows

Inputs = Mapping[str, pl.LazyFrame]


class VersionedInputs(dict[str, pl.LazyFrame]):
    """Inputs of one version of the data (e.g. a signature of the store's files).

    ``compute_raw`` keeps what it computes from such inputs, keyed by ``version``, metric
    and selection, so every page and session that asks for the same metric of the same
    data gets the one computation. A new version (a new import) is a new key; old entries
    age out of the bounded cache. Plain dicts are never cached.

    ``collect_on_use`` names frames (small aggregate tables scanned from files) read into
    memory the first time a metric asks for one (``inputs[name]`` or ``.get``), then kept:
    a page reads only the tables its metrics use, and each once.
    """

    def __init__(
        self,
        frames: Mapping[str, pl.LazyFrame] | Iterable[tuple[str, pl.LazyFrame]],
        *,
        version: str,
        collect_on_use: Iterable[str] = (),
    ):
        super().__init__(frames)
        self.version = version
        self._pending = set(collect_on_use) & set(self)
        self._lock = threading.Lock()

    def __getitem__(self, name: str) -> pl.LazyFrame:
        if name in self._pending:
            with self._lock:
                if name in self._pending:
                    super().__setitem__(name, super().__getitem__(name).collect().lazy())
                    self._pending.discard(name)
        return super().__getitem__(name)

    def get(  # type: ignore[override]
        self, name: str, default: pl.LazyFrame | None = None
    ) -> pl.LazyFrame | None:
        return self[name] if name in self else default  # noqa: SIM401  (collects on use)


_RAW_CACHE: OrderedDict[tuple[object, ...], pl.DataFrame] = OrderedDict()
_RAW_CACHE_SIZE = 512
_RAW_LOCK = threading.Lock()

KEY = ("period", "period_start", "period_end", "area_code", "area_name", "area_level")
RAW_COLUMNS = (*KEY, "group", "numerator", "denominator", "in_suppressed")
RAW_SCHEMA: dict[str, pl.DataType] = {
    "period": pl.String(),
    "period_start": pl.Date(),
    "period_end": pl.Date(),
    "area_code": pl.String(),
    "area_name": pl.String(),
    "area_level": pl.String(),
    "group": pl.String(),
    "numerator": pl.Float64(),
    "denominator": pl.Float64(),
    "in_suppressed": pl.Boolean(),
    # A total the source does not publish, summed from parts of which one is suppressed:
    # unknown, never the sum of the visible parts (``in_suppressed`` is True as well).
    "total_unknown": pl.Boolean(),
}

ERROR_OUTCOMES = ("Ændret", "Hjemvist")


Subtotals = Mapping[str, Mapping[str, Sequence[str]]]


def subtotals_of(dataset_id: str) -> Subtotals:
    """The declared subtotal values of a dataset (empty when it has none)."""
    return SUBTOTALS.get(dataset_id, {})


class MissingInput(LookupError):
    """None of the inputs a metric can be computed from is loaded."""


def _null_sum(col: str) -> pl.Expr:
    """Sum that stays null when every value is null (a suppressed cell is not a zero)."""
    return pl.when(pl.col(col).is_not_null().any()).then(pl.col(col).sum()).otherwise(None)


def pick(
    lf: pl.LazyFrame,
    measure: str,
    *,
    fixed: Mapping[str, str | Sequence[str]] | None = None,
    by: str | None = None,
    subtotals: Subtotals | None = None,
    dims: Sequence[str] | None = None,
) -> pl.LazyFrame:
    """Cells of one measure: ``fixed`` dimension values, broken down by ``by`` (or total).

    Every other dimension is taken at its total row ("I alt"); where a period and area has
    no total row for a dimension, its values are summed instead. ``subtotals`` (see
    ``SUBTOTALS``) names values that are subtotals of other values: where every part is
    present for the same period and area the subtotal row is dropped; otherwise the parts
    that are present are dropped and the subtotal stands in for them. Either way neither a
    sum nor a breakdown counts a person twice. A dimension given in ``fixed`` is left as
    the caller chose. A sum of parts where a part is suppressed is not the total (the
    extract lacks the total row): ``total_unknown`` marks it. Returns the KEY columns,
    ``group`` (TOTAL without ``by``), ``value``, ``in_suppressed`` and ``total_unknown``.
    ``dims``: the dimensions that can hold other values than the total; by default the
    dimensions that do in the measure's rows (``varying_dims``: one small query), since a
    dimension that is "I alt" in every row needs no window (it would keep every row).
    """
    fixed = dict(fixed or {})
    out = lf.filter(pl.col("measure_id") == measure)
    if dims is None:
        dims = varying_dims(out)
    for dim, subs in (subtotals or {}).items():
        if dim in fixed:
            continue
        out = out.with_columns(pl.col(dim).replace(SPELLINGS.get(dim, {})))
        cell = ["period", "area_code"]
        for sub, parts in subs.items():
            all_parts = pl.all_horizontal([(pl.col(dim) == p).any().over(cell) for p in parts])
            has_sub = (pl.col(dim) == sub).any().over(cell)
            drop_sub = (pl.col(dim) == sub) & all_parts
            drop_parts = pl.col(dim).is_in(list(parts)) & has_sub & ~all_parts
            out = out.filter(~(drop_sub | drop_parts))
    for dim, want in fixed.items():
        if isinstance(want, str):
            out = out.filter(pl.col(dim) == want)
        else:
            out = out.filter(pl.col(dim).is_in(list(want)))
    if by is not None:
        out = out.filter(pl.col(by) != TOTAL)
    for dim in dims:
        if dim == by or dim in fixed:
            continue
        has_total = (pl.col(dim) == TOTAL).any().over(["period", "area_code"])
        out = out.filter((pl.col(dim) == TOTAL) | ~has_total)
    group = pl.col(by) if by is not None else pl.lit(TOTAL)
    return (
        out.with_columns(group.alias("group"))
        .group_by([*KEY, "group"])
        .agg(
            _null_sum("value").alias("value"),
            pl.col("suppressed").any().alias("in_suppressed"),
            ((pl.len() > 1) & pl.col("suppressed").any()).alias("total_unknown"),
        )
        .with_columns(pl.col("area_level").cast(pl.String))
    )


def varying_dims(lf: pl.LazyFrame, dims: Sequence[str] = DIMENSIONS) -> tuple[str, ...]:
    """The dimensions of ``dims`` holding another value than the total in some row of
    ``lf`` (collects one row of booleans)."""
    if not dims:
        return ()
    # a null is "another value" too: the window in ``pick`` would drop its row
    row = lf.select(pl.col(d).ne_missing(TOTAL).any().alias(d) for d in dims).collect().row(0)
    return tuple(d for d, varies in zip(dims, row, strict=True) if varies)


def _require(inputs: Inputs, *names: str) -> pl.LazyFrame:
    for name in names:
        if name in inputs:
            return inputs[name]
    raise MissingInput(f"no data loaded for {' or '.join(names)}")


def _count(
    lf: pl.LazyFrame,
    measure: str,
    by: str | None,
    subtotals: Subtotals | None = None,
    dims: Sequence[str] | None = None,
    **fixed: str,
) -> pl.LazyFrame:
    return (
        pick(lf, measure, fixed=fixed, by=by, subtotals=subtotals, dims=dims)
        .rename({"value": "numerator"})
        .with_columns(pl.lit(None, pl.Float64).alias("denominator"))
        .select(*RAW_COLUMNS, "total_unknown")
    )


def _share(num: pl.LazyFrame, den: pl.LazyFrame) -> pl.LazyFrame:
    joined = num.rename({"value": "numerator", "in_suppressed": "s_num"}).join(
        den.rename({"value": "denominator", "in_suppressed": "s_den"}),
        on=[*KEY, "group"],
        how="full",
        coalesce=True,
    )
    return joined.with_columns(
        (pl.col("s_num").fill_null(False) | pl.col("s_den").fill_null(False)).alias("in_suppressed")
    ).select(RAW_COLUMNS)


# -- metric functions -----------------------------------------------------------------


def eastern_european_share(
    inputs: Inputs,
    *,
    breakdown: str | None = None,
    countries: Sequence[str] | None = None,
) -> pl.LazyFrame:
    """Share of insured unemployed with Eastern European origin, from the counts.

    Numerator: full-time insured unemployed (start of month) from ``countries`` (default
    the plan's 13 countries); denominator: all insured unemployed (the origin total row,
    or the sum over origins where no total row exists). Plan 4.3, table 5.
    """
    if breakdown is not None:
        raise ValueError("andel_oesteuropaeiske_forsikrede kan ikke opdeles")
    lf = _require(inputs, "fasit_forsikrede_oprindelse")
    countries = tuple(countries) if countries else EASTERN_EUROPE
    num = pick(lf, "fuldtidspersoner", fixed={"origin": countries}).with_columns(
        pl.lit(TOTAL).alias("group")
    )
    den = pick(lf, "fuldtidspersoner")
    # A country with no rows in a month counts as zero, not as missing.
    num = den.select([*KEY, "group"]).join(num, on=[*KEY, "group"], how="left")
    num = num.with_columns(pl.col("value").fill_null(0.0), pl.col("in_suppressed").fill_null(False))
    return _share(num, den)


def _refugee_from_persons(lf: pl.LazyFrame) -> pl.LazyFrame:
    """Persons reaching lasting self-support, from monthly person records (Fasit style).

    A person reaches lasting self-support in the month that completes 6 consecutive
    self-supporting months, after having been on support earlier; each person counts
    once (the first time). Route is the route of that month. Returns canonical-like
    aggregate rows (measure ``personer_varig_selvforsoergelse``) by sex and route.
    """
    idx = pl.col("month").str.slice(0, 4).cast(pl.Int32) * 12 + pl.col("month").str.slice(
        5, 2
    ).cast(pl.Int32)
    # Persons numbered by their id's category (one integer key per person and month, no
    # text sorted); only persons ever on support can reach lasting self-support.
    person = (
        pl.col("person_id")
        .cast(pl.Categorical(pl.Categories.random()))
        .to_physical()
        .cast(pl.Int64)
        .alias("_p")
    )
    first_support = (
        lf.filter(pl.col("on_support")).group_by(person).agg(idx.min().alias("_first_support"))
    )
    # The self-supporting months of those persons, sorted on the key: the 6th month of a
    # run is a month whose key is 5 above the key 5 rows before it (the 5 months before
    # are all there) and not 6 above the key 6 rows before (the month before the run is
    # not). No window per person and no binary search.
    k = pl.col("_k")
    ss = (
        lf.filter(pl.col("self_supporting"))
        .select(person, "municipality_code", "sex", "route", idx.cast(pl.Int64).alias("_i"))
        .join(first_support, on="_p", how="inner")
        .with_columns((pl.col("_p") * (1 << 20) + pl.col("_i")).alias("_k"))
        .sort("_k")
    )
    reached = (
        ss.filter(
            (k - k.shift(5) == 5)
            & (k - k.shift(6) != 6).fill_null(True)
            & (pl.col("_first_support") < pl.col("_i") - 5)
        )
        .group_by("_p")
        .first()  # rows are in month order within a person: the first run reached
        .with_columns(
            (
                ((pl.col("_i") - 1) // 12).cast(pl.String)
                + "M"
                + ((pl.col("_i") - 1) % 12 + 1).cast(pl.String).str.zfill(2)
            ).alias("month")
        )
    )
    per_cell = reached.group_by("municipality_code", "month", "sex", "route").agg(
        pl.len().cast(pl.Float64).alias("value")
    )
    cells = per_cell.with_columns(
        pl.col("sex").cast(pl.String), pl.col("route").cast(pl.String).fill_null("Job")
    )
    # Margins, so that pick() finds total rows.
    parts = [
        cells,
        cells.with_columns(pl.lit(TOTAL).alias("sex")),
        cells.with_columns(pl.lit(TOTAL).alias("route")),
        cells.with_columns(pl.lit(TOTAL).alias("sex"), pl.lit(TOTAL).alias("route")),
    ]
    # Every month the records cover is a month with a figure, zero if nobody reached it
    # (otherwise a year whose last event was in June would look incomplete).
    i = pl.col("_i")
    covered = (
        lf.group_by("municipality_code", "month")  # few groups: the month index on those
        .agg()
        .with_columns(idx.alias("_i"))
        .group_by("municipality_code")
        .agg(pl.col("_i").min().alias("_lo"), pl.col("_i").max().alias("_hi"))
        .with_columns(pl.int_ranges("_lo", pl.col("_hi") + 1).alias("_i"))
        .explode("_i")
        .select(
            pl.col("municipality_code").cast(pl.String),
            (
                ((i - 1) // 12).cast(pl.String)
                + "M"
                + ((i - 1) % 12 + 1).cast(pl.String).str.zfill(2)
            ).alias("month"),
            pl.lit(TOTAL).alias("sex"),
            pl.lit(TOTAL).alias("route"),
            pl.lit(0.0).alias("value"),
        )
    )
    parts.append(covered)
    long = (
        pl.concat(
            [p.select(covered.collect_schema().names()) for p in parts], how="vertical_relaxed"
        )
        .group_by("municipality_code", "month", "sex", "route")
        .agg(pl.col("value").sum())
    )
    return _canonical_months(
        long.with_columns(pl.lit("personer_varig_selvforsoergelse").alias("measure_id")),
        ("sex", "route"),
    )


REFUGEE_MEASURE = "personer_varig_selvforsoergelse"
_REFUGEE_PERSON_DIMS = ("sex", "route")


def _refugee_source(inputs: Inputs) -> tuple[pl.LazyFrame, Sequence[str] | None]:
    """The refugees' self-support cells and the dimensions that vary in them.

    From person data the whole person pipeline runs once here (its result is small: one
    row per municipality, month, sex and route), not once per pick that reads it.
    """
    if "fasit_selvforsoergelse" in inputs:
        return inputs["fasit_selvforsoergelse"], varying_dims(inputs["fasit_selvforsoergelse"])
    if "person_refugee_months" in inputs:
        derived = _refugee_from_persons(inputs["person_refugee_months"])
        return derived.collect().lazy(), _REFUGEE_PERSON_DIMS
    raise MissingInput("no data loaded for fasit_selvforsoergelse or person_refugee_months")


def refugees_self_support(inputs: Inputs, *, breakdown: str | None = None) -> pl.LazyFrame:
    """Refugees reaching lasting self-support (6 consecutive months) in the period.

    From the Fasit extract ``fasit_selvforsoergelse`` or, when only person data is
    loaded, from ``person_refugee_months``. Plan 4.4, table 6.
    """
    lf, dims = _refugee_source(inputs)
    return _count(lf, REFUGEE_MEASURE, breakdown, dims=dims)


def refugees_women_share(inputs: Inputs, *, breakdown: str | None = None) -> pl.LazyFrame:
    """Women as a share of refugees reaching lasting self-support. Plan 4.4: half women."""
    lf, dims = _refugee_source(inputs)
    # Numerator and denominator read the same cells: read them once.
    lf = lf.filter(pl.col("measure_id") == REFUGEE_MEASURE).collect().lazy()
    num = pick(lf, REFUGEE_MEASURE, fixed={"sex": "Kvinder"}, by=breakdown, dims=dims)
    den = pick(lf, REFUGEE_MEASURE, by=breakdown, dims=dims)
    num = den.select([*KEY, "group"]).join(num, on=[*KEY, "group"], how="left")
    num = num.with_columns(pl.col("value").fill_null(0.0), pl.col("in_suppressed").fill_null(False))
    return _share(num, den)


# From July 2025 uddannelseshjælp is part of kontanthjælp (y60a02): the metric continues
# with the education-ready on kontanthjælp, a break in the series (registry ``breaks``).
UDH_UNTIL = parse_period(LAST_UDH_MONTH).end
KH_FROM = parse_period(FIRST_KH_2025_MONTH).start
EDUCATION_READY = ("Uddannelsesparat", "Åbenlyst uddannelsesparat", "Alle uddannelsesparate")


def youth_benefit(inputs: Inputs, *, breakdown: str | None = None) -> pl.LazyFrame:
    """Full-time persons on uddannelseshjælp, by visitation category. Plan 4.5.

    Until June 2025 from y38a02 (all visitation categories); from July 2025, when
    uddannelseshjælp became part of kontanthjælp, from y60a02: the education-ready
    (uddannelsesparat, åbenlyst uddannelsesparat) on kontanthjælp. Each table only for its
    own months, so the two are never summed or spliced into one month.
    """
    parts = []
    if "y38a02" in inputs:
        lf = inputs["y38a02"].filter(pl.col("period_end") <= UDH_UNTIL)
        parts.append(_count(lf, "fuldtidspersoner", breakdown, subtotals_of("y38a02")))
    if "y60a02" in inputs:
        lf = inputs["y60a02"].filter(
            (pl.col("period_start") >= KH_FROM)
            & pl.col("match_group").replace(SPELLINGS["match_group"]).is_in(EDUCATION_READY)
        )
        parts.append(_count(lf, "fuldtidspersoner", breakdown, subtotals_of("y60a02")))
    if not parts:
        raise MissingInput("no data loaded for y38a02 or y60a02")
    return pl.concat(parts)


FLEX_DATASET = "fleksjob_timeudvikling"
FLEX_PERSONS = "person_flexjob_months"
FLEX_BANDS = ("1-5 timer", "6-10 timer", "Over 10 timer")
FLEX_NO_HOURS = "Uden registrerede timer"
FLEX_MIN_MONTHS = 6
FLEX_REF_MONTH = "M06"
_LONG = (*KEY, *DIMENSIONS, "measure_id", "value", "suppressed")


def _band(hours: pl.Expr) -> pl.Expr:
    """Weekly hours -> band: (0, 5] 1-5, (5, 10] 6-10, above 10; 0 or none: no band."""
    return (
        pl.when(hours.is_null() | (hours <= 0))
        .then(pl.lit(FLEX_NO_HOURS))
        .when(hours <= 5)
        .then(pl.lit(FLEX_BANDS[0]))
        .when(hours <= 10)
        .then(pl.lit(FLEX_BANDS[1]))
        .otherwise(pl.lit(FLEX_BANDS[2]))
    )


def _long_from_cells(cells: pl.LazyFrame, dims: Sequence[str]) -> pl.LazyFrame:
    """Counts per municipality_code, month, ``dims`` and measure_id as canonical-like rows
    (with the "I alt" margin over each dimension) that ``pick`` reads."""
    parts = [cells]
    for d in dims:
        parts = parts + [p.with_columns(pl.lit(TOTAL).alias(d)) for p in parts]
    keys = ["municipality_code", "month", *dims, "measure_id"]
    long = pl.concat(parts).group_by(keys).agg(pl.col("value").sum())
    return _canonical_months(long, dims).select(_LONG)


def _canonical_months(long: pl.LazyFrame, dims: Sequence[str]) -> pl.LazyFrame:
    """Counts per municipality_code and month (``YYYYMmm``) as canonical aggregate rows:
    period columns, the municipality as area, "I alt" for every dimension not in ``dims``."""
    mun = (
        areas.municipalities()
        .lazy()
        .select(pl.col("code").alias("municipality_code"), pl.col("name").alias("area_name"))
    )
    start = (pl.col("month") + "01").str.strptime(pl.Date, "%YM%m%d")
    return long.join(mun, on="municipality_code", how="left").with_columns(
        pl.col("month").alias("period"),
        start.alias("period_start"),
        start.dt.month_end().alias("period_end"),
        pl.col("municipality_code").alias("area_code"),
        pl.col("area_name").fill_null(pl.col("municipality_code")),
        pl.lit("kommune").alias("area_level"),
        pl.col("value").cast(pl.Float64),
        pl.lit(False).alias("suppressed"),
        *[pl.lit(TOTAL).alias(d) for d in DIMENSIONS if d not in dims],
    )


def flex_from_persons(lf: pl.LazyFrame, *, changes: bool = True) -> pl.LazyFrame:
    """The plan's flexjob hours figures from monthly person records (June of each year).

    New scheme only. A flexjob is a person and start date. Hours at start: the extract's
    ``start_hours`` when given, otherwise the hours of the first registered month when the
    extract reaches back to the start month (else the job cannot be classified). In each
    June a job counts in ``personer_op`` / ``_ned`` / ``_uaendret`` (by its band at start,
    1-5 or 6-10 hours) when it has registered hours that month and in at least six months
    up to it; June's hours (to 0.1) above, below or equal to those at start. ``personer``
    counts every new-scheme person in flexjob in June by June's hours band (no or zero
    hours: ``Uden registrerede timer``). Returns canonical-like rows of
    ``fleksjob_timeudvikling`` (``changes=False``: ``personer`` only, which reads the
    June rows and nothing else).
    """
    persons = (
        lf.filter(
            (pl.col("scheme").cast(pl.String) == "Ny ordning")
            & pl.col("month").str.ends_with(FLEX_REF_MONTH)
        )
        .with_columns(_band(pl.col("weekly_hours")).alias("hours_band"))
        .group_by("municipality_code", "month", "hours_band")
        .agg(pl.col("person_id").n_unique().cast(pl.Float64).alias("value"))
        .with_columns(pl.lit("personer").alias("measure_id"))
        .select("municipality_code", "month", "hours_band", "measure_id", "value")
    )
    if not changes:
        return _long_from_cells(
            persons.with_columns(pl.col("municipality_code").cast(pl.String)), ("hours_band",)
        )
    # Small (the June rows): computed once, read twice below (the grid and the counts).
    rows = reference_month_rows(lf, int(FLEX_REF_MONTH[1:])).collect().lazy()
    now, then = pl.col("weekly_hours").round(1), pl.col("_at_start").round(1)
    change = (
        rows.filter(
            pl.col("_reg")
            & (pl.col("_n_reg") >= FLEX_MIN_MONTHS)
            & pl.col("_at_start").is_not_null()
        )
        .with_columns(_band(pl.col("_at_start")).alias("hours_band"))
        .filter(pl.col("hours_band").is_in(FLEX_BANDS[:2]))
        .with_columns(
            pl.when(now > then)
            .then(pl.lit("personer_op"))
            .when(now < then)
            .then(pl.lit("personer_ned"))
            .otherwise(pl.lit("personer_uaendret"))
            .alias("measure_id")
        )
        .group_by("municipality_code", "month", "hours_band", "measure_id")
        .agg(pl.len().cast(pl.Float64).alias("value"))
    )
    # Every band and direction of a June with data, zeros included.
    grid = (
        change.select("municipality_code", "month")
        .unique()
        .join(pl.LazyFrame({"hours_band": list(FLEX_BANDS[:2])}), how="cross")
        .join(
            pl.LazyFrame({"measure_id": ["personer_op", "personer_ned", "personer_uaendret"]}),
            how="cross",
        )
    )
    change = grid.join(
        change, on=["municipality_code", "month", "hours_band", "measure_id"], how="left"
    ).with_columns(pl.col("value").fill_null(0.0))
    cells = pl.concat(
        [
            change.select("municipality_code", "month", "hours_band", "measure_id", "value"),
            persons,
        ]
    ).with_columns(pl.col("municipality_code").cast(pl.String))
    return _long_from_cells(cells, ("hours_band",))


def _flex_source(inputs: Inputs, *, changes: bool = True) -> pl.LazyFrame:
    """The municipality's flexjob hours figures: from its person records where loaded (for
    the municipalities they cover), from the ``fleksjob_timeudvikling`` dataset elsewhere."""
    # From person data the pipeline runs once here, not once per pick that reads it.
    derived = (
        flex_from_persons(inputs[FLEX_PERSONS], changes=changes).collect().lazy()
        if FLEX_PERSONS in inputs
        else None
    )
    agg = inputs.get(FLEX_DATASET)
    if derived is None and agg is None:
        raise MissingInput(f"no data loaded for {FLEX_DATASET} or {FLEX_PERSONS}")
    if derived is None:
        assert agg is not None
        return agg
    # collected once: every pick of a flexjob share reads it (small: one row per cell)
    derived = derived.collect().lazy()
    if agg is None:
        return derived
    as_long = [pl.col(c).cast(pl.String) if c == "area_level" else pl.col(c) for c in _LONG]
    others = agg.join(derived.select("area_code").unique(), on="area_code", how="anti")
    return pl.concat([others.select(as_long), derived.select(as_long)], how="vertical_relaxed")


def _flex_share(inputs: Inputs, which: str, breakdown: str | None) -> pl.LazyFrame:
    lf = _flex_source(inputs)
    num = pick(lf, f"personer_{which}", by=breakdown)
    parts = [pick(lf, f"personer_{w}", by=breakdown) for w in ("op", "ned", "uaendret")]
    den = (
        pl.concat(parts)
        .group_by([*KEY, "group"])
        .agg(_null_sum("value").alias("value"), pl.col("in_suppressed").any())
    )
    return _share(num, den)


def flex_share_up(inputs: Inputs, *, breakdown: str | None = None) -> pl.LazyFrame:
    """Share of flexjob persons (new scheme) working more hours than at start. Plan 4.6."""
    return _flex_share(inputs, "op", breakdown)


def flex_share_down(inputs: Inputs, *, breakdown: str | None = None) -> pl.LazyFrame:
    """Share of flexjob persons (new scheme) working fewer hours than at start."""
    return _flex_share(inputs, "ned", breakdown)


def flex_share_unchanged(inputs: Inputs, *, breakdown: str | None = None) -> pl.LazyFrame:
    """Share of flexjob persons (new scheme) with unchanged hours since start."""
    return _flex_share(inputs, "uaendret", breakdown)


def flex_share_over_10(inputs: Inputs, *, breakdown: str | None = None) -> pl.LazyFrame:
    """New-scheme persons in flexjob above 10 weekly hours as a share of all new-scheme
    persons in flexjob (with or without registered hours), from the municipality's data.

    Plan 4.6, figure 11: 60-63 % in 1-10 hours and 31-33 % above 10. Jobindsats' y08a02
    has no hours or scheme breakdown.
    """
    if breakdown is not None:
        raise ValueError("fleksjob_andel_over_10_timer kan ikke opdeles")
    lf = _flex_source(inputs, changes=False)
    num = pick(lf, "personer", fixed={"hours_band": FLEX_BANDS[2]})
    den = pick(lf, "personer", fixed={"hours_band": TOTAL})
    num = den.select([*KEY, "group"]).join(num, on=[*KEY, "group"], how="left")
    num = num.with_columns(pl.col("value").fill_null(0.0), pl.col("in_suppressed").fill_null(False))
    return _share(num, den)


def sanction_error_rate(inputs: Inputs, *, breakdown: str | None = None) -> pl.LazyFrame:
    """Share of reviewed sanction cases that would be changed or sent back, by quarter.

    Ankestyrelsen's practice-study method: a reviewed decision is an error when the
    outcome is "Ændret" or "Hjemvist".
    """
    lf = _require(inputs, "sanction_reviews")
    q = pl.col("review_date").dt.quarter()
    y = pl.col("review_date").dt.year()
    start = pl.date(y, (q - 1) * 3 + 1, 1)
    group = pl.col(breakdown).cast(pl.String) if breakdown else pl.lit(TOTAL)
    mun = (
        areas.municipalities()
        .lazy()
        .select(pl.col("code").alias("area_code"), pl.col("name").alias("area_name"))
    )
    return (
        lf.with_columns(
            (y.cast(pl.String) + "Q0" + q.cast(pl.String)).alias("period"),
            start.alias("period_start"),
            start.dt.offset_by("2mo").dt.month_end().alias("period_end"),
            pl.col("municipality_code").alias("area_code"),
            group.alias("group"),
            pl.col("outcome").cast(pl.String).is_in(ERROR_OUTCOMES).alias("_err"),
        )
        .group_by("period", "period_start", "period_end", "area_code", "group")
        .agg(
            pl.col("_err").sum().cast(pl.Float64).alias("numerator"),
            pl.len().cast(pl.Float64).alias("denominator"),
        )
        .join(mun, on="area_code", how="left")
        .with_columns(
            pl.col("area_name").fill_null(pl.col("area_code")),
            pl.lit("kommune").alias("area_level"),
            pl.lit(False).alias("in_suppressed"),
        )
        .select(RAW_COLUMNS)
    )


def benchmark_difference(inputs: Inputs, *, breakdown: str | None = None) -> pl.LazyFrame:
    """Actual against expected public support in STAR's benchmark, in percent (y30r21).

    Numerator: actual minus expected full-time persons; denominator: expected, so the
    value is (faktisk - forventet) / forventet * 100 and any sum over areas is a ratio of
    sums. Periods are the published rolling years (QMAT02, QMAT04).
    """
    if breakdown is not None:
        raise ValueError("benchmark_forskel_pct kan ikke opdeles")
    lf = _require(inputs, "y30r21")
    actual = pick(lf, "faktisk_fuldtidspersoner").rename(
        {"value": "faktisk", "in_suppressed": "s_a"}
    )
    expected = pick(lf, "forventet_fuldtidspersoner").rename(
        {"value": "forventet", "in_suppressed": "s_e"}
    )
    joined = actual.join(expected, on=[*KEY, "group"], how="full", coalesce=True)
    return joined.with_columns(
        (pl.col("faktisk") - pl.col("forventet")).alias("numerator"),
        pl.col("forventet").alias("denominator"),
        (pl.col("s_a").fill_null(False) | pl.col("s_e").fill_null(False)).alias("in_suppressed"),
    ).select(RAW_COLUMNS)


def benchmark_rank(inputs: Inputs, *, breakdown: str | None = None) -> pl.LazyFrame:
    """The municipality's published rank 1-98 in STAR's benchmark (y30r21), 1 = best."""
    if breakdown is not None:
        raise ValueError("benchmark_placering kan ikke opdeles")
    return _count(_require(inputs, "y30r21"), "placering", None)


def long_term_unemployed_from_persons(
    inputs: Inputs, *, breakdown: str | None = None
) -> pl.LazyFrame:
    """Long-term unemployed full-time persons recomputed from ``person_benefit_weeks``
    with jobindsats' definition (``metrics.person.benefit_weeks``)."""
    weeks = _require(inputs, "person_benefit_weeks")
    return long_term_unemployed_persons(weeks, breakdown=breakdown)


def eastern_european_share_from_persons(
    inputs: Inputs,
    *,
    breakdown: str | None = None,
    countries: Sequence[str] | None = None,
) -> pl.LazyFrame:
    """Eastern European share of insured unemployed from ``person_benefit_weeks``."""
    if breakdown is not None:
        raise ValueError("andel_oesteuropaeiske_forsikrede_persondata kan ikke opdeles")
    weeks = _require(inputs, "person_benefit_weeks")
    return insured_eastern_share(weeks, countries=countries)


MetricFn = Callable[..., pl.LazyFrame]


def count_of(count: Count) -> MetricFn:
    """The function of a metric declared as a plain count (``MetricDef.count``)."""

    def fn(inputs: Inputs, *, breakdown: str | None = None) -> pl.LazyFrame:
        return _count(_require(inputs, count.dataset), count.measure, breakdown)

    return fn


_FUNCTIONS: dict[str, MetricFn] = {
    "andel_oesteuropaeiske_forsikrede": eastern_european_share,
    "flygtninge_varig_selvforsoergelse": refugees_self_support,
    "flygtninge_kvindeandel": refugees_women_share,
    "uddannelseshjaelp": youth_benefit,
    "fleksjob_andel_op": flex_share_up,
    "fleksjob_andel_ned": flex_share_down,
    "fleksjob_andel_uaendret": flex_share_unchanged,
    "fleksjob_andel_over_10_timer": flex_share_over_10,
    "sanktion_fejlrate": sanction_error_rate,
    "benchmark_forskel_pct": benchmark_difference,
    "benchmark_placering": benchmark_rank,
    "langtidsledige_persondata": long_term_unemployed_from_persons,
    "andel_oesteuropaeiske_forsikrede_persondata": eastern_european_share_from_persons,
}


FUNCTIONS: dict[str, MetricFn] = {
    **_FUNCTIONS,
    **{m.id: count_of(m.count) for m in METRICS.values() if m.count is not None},
}
"""Every metric's function: its own where it has one, else its declared count."""


class RegistryError(LookupError):
    """The metric registry and the KPI functions or the dataset catalogue disagree."""


def check_registry(
    metrics: Mapping[str, MetricDef] | None = None, functions: Mapping[str, MetricFn] = FUNCTIONS
) -> None:
    """Every metric resolves: it has a function, every source is a dataset or a person
    table, and every breakdown is a dimension of one of its datasets; every function has
    a metric. Run at import (a registry typo stops the program at once, naming it)."""
    problems: list[str] = []
    registry = METRICS if metrics is None else metrics
    for m in registry.values():
        if m.id not in functions:
            problems.append(f"metric {m.id} has no function in metrics.kpis.FUNCTIONS")
        if m.count is not None and m.id in _FUNCTIONS:
            problems.append(f"metric {m.id} is declared as a count and has a function too")
        if m.count is not None:
            ds = DATASETS.get(m.count.dataset)
            if m.count.dataset not in m.sources or ds is None:
                problems.append(
                    f"metric {m.id}: its count's dataset {m.count.dataset} is not a source"
                )
            elif m.count.measure not in {x.id for x in ds.measures}:
                problems.append(
                    f"metric {m.id}: {m.count.dataset} has no measure {m.count.measure!r}"
                )
        unknown = [s for s in m.sources if s not in DATASETS and s not in PERSON_TABLES]
        if unknown:
            problems.append(f"metric {m.id}: unknown source(s) {', '.join(unknown)}")
        aggregate = [DATASETS[s] for s in m.sources if s in DATASETS]
        dims = {d for ds in aggregate for d in ds.dimensions}
        bad = [b for b in m.breakdowns if aggregate and b not in dims]
        if bad:
            problems.append(
                f"metric {m.id}: breakdown(s) {', '.join(bad)} not a dimension of "
                f"{', '.join(ds.id for ds in aggregate)}"
            )
    problems += [
        f"function {f} has no metric in the registry" for f in functions if f not in registry
    ]
    if problems:
        raise RegistryError("; ".join(problems))


def memoized(
    inputs: Inputs, key: tuple[object, ...], build: Callable[[], pl.DataFrame]
) -> pl.DataFrame:
    """``build()``, kept per data version and ``key`` when ``inputs`` is ``VersionedInputs``
    (a bounded, least-recently-used cache shared by every thread); plain dicts are never
    cached. ``compute_raw`` and ``series.protected`` keep their frames here."""
    if not isinstance(inputs, VersionedInputs):
        return build()
    full = (inputs.version, *key)
    with _RAW_LOCK:
        hit = _RAW_CACHE.get(full)
        if hit is not None:
            _RAW_CACHE.move_to_end(full)
            return hit
    out = build()
    with _RAW_LOCK:
        _RAW_CACHE[full] = out
        while len(_RAW_CACHE) > _RAW_CACHE_SIZE:
            _RAW_CACHE.popitem(last=False)
    return out


def compute_raw(
    inputs: Inputs,
    metric_id: str,
    *,
    breakdown: str | None = None,
    countries: Sequence[str] | None = None,
) -> pl.DataFrame:
    """The raw (unsuppressed) frame of one metric, collected and cast to RAW_SCHEMA.

    Computed once per data version and selection when ``inputs`` is ``VersionedInputs``.
    """
    key = ("raw", metric_id, breakdown, tuple(countries) if countries else None)
    return memoized(
        inputs,
        key,
        lambda: _compute_raw(inputs, metric_id, breakdown=breakdown, countries=countries),
    )


def clear_cache() -> None:
    """Forget every cached metric (tests, or to free memory)."""
    with _RAW_LOCK:
        _RAW_CACHE.clear()


def _compute_raw(
    inputs: Inputs,
    metric_id: str,
    *,
    breakdown: str | None,
    countries: Sequence[str] | None,
) -> pl.DataFrame:
    fn = FUNCTIONS[metric_id]
    lf = (
        fn(inputs, breakdown=breakdown, countries=countries)
        if countries
        else fn(inputs, breakdown=breakdown)
    )
    names = lf.collect_schema().names()
    return lf.select(
        pl.col(c).cast(t) if c in names else pl.lit(False, t).alias(c)  # total_unknown
        for c, t in RAW_SCHEMA.items()
    ).collect()


check_registry()
