"""Targets as data: plans, targets and comparison groups as validated pydantic models.

A plan is one TOML document per municipality and plan year (``targets/710-2022.toml``).
Parsing is pure (text in, model out); reading files lives in ``data_connectors.plans``.
"""

from __future__ import annotations

import tomllib
from datetime import date
from typing import Literal

import pydantic
from pydantic import BaseModel, ConfigDict, Field, model_validator

from domain.datasets import DATASETS
from domain.periods import PeriodError, parse_period
from domain.registry import METRICS

# Units of metrics that count something (never below zero).
COUNT_UNITS = ("fuldtidspersoner", "personer", "antal")


def _known_values(metric_id: str, dimension: str) -> tuple[str, ...]:
    """The declared values of a dimension in the metric's source datasets (may be none)."""
    out: list[str] = []
    for source in METRICS[metric_id].sources:
        ds = DATASETS.get(source)
        if ds is not None:
            out += [v for v in ds.values.get(dimension, ()) if v not in out]
    return tuple(out)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _check_period(code: str) -> str:
    try:
        return parse_period(code).code
    except PeriodError as exc:
        raise ValueError(str(exc)) from None


class StatedFigure(_Strict):
    """A figure as the plan states it, with the counts it was computed from (if given)."""

    period: str
    stated: float
    numerator: float | None = None
    denominator: float | None = None

    @pydantic.field_validator("period")
    @classmethod
    def _period(cls, v: str) -> str:
        return _check_period(v)


class Target(_Strict):
    """One measurable target of a plan.

    ``kind``: ``max`` (value at most ``target``), ``min`` (at least ``target``),
    ``increase`` / ``decrease`` (strictly above / below the baseline; ``target`` is then
    the baseline level to beat and may be omitted, in which case the baseline computed
    from the data is used).
    """

    id: str = Field(min_length=1)
    goal: int | None = None  # the plan's goal number (Favrskov table 4: 1-6)
    goal_title: str = ""
    label: str = Field(min_length=1)
    metric_id: str
    kind: Literal["max", "min", "increase", "decrease"]
    target: float | None = None
    group: str | None = None  # one breakdown value of the metric (e.g. "1-5 timer")
    breakdown: str | None = None  # the dimension ``group`` belongs to
    baseline: float | None = None  # as stated in the plan
    baseline_period: str | None = None  # "2021M07" or "2020M08-2021M07"
    stated_reduction: float | None = None  # 29 (pct) or 6.6 (points)
    reduction_unit: Literal["pct", "points"] | None = None
    reduction_tolerance: float | None = None
    unit: str
    wording: str = Field(min_length=1)
    countries: list[str] | None = None  # for the Eastern European share
    stated: list[StatedFigure] = Field(default_factory=list)
    note: str = ""

    @pydantic.field_validator("metric_id")
    @classmethod
    def _metric(cls, v: str) -> str:
        if v not in METRICS:
            raise ValueError(f"unknown metric {v!r}; known: {', '.join(METRICS)}")
        return v

    @pydantic.field_validator("baseline_period")
    @classmethod
    def _bperiod(cls, v: str | None) -> str | None:
        if v is None:
            return v
        parts = v.split("-")
        if len(parts) > 2:
            raise ValueError(f"baseline_period {v!r}: expected CODE or CODE-CODE")
        codes = [_check_period(p) for p in parts]
        first, last = parse_period(codes[0]), parse_period(codes[-1])
        if first.start > last.start:
            raise ValueError(
                f"baseline_period {v!r}: the first period {codes[0]} is after the last "
                f"period {codes[-1]}"
            )
        return "-".join(codes)

    @pydantic.field_validator("unit")
    @classmethod
    def _unit(cls, v: str, info: pydantic.ValidationInfo) -> str:
        metric_id = info.data.get("metric_id")
        if metric_id in METRICS and v != METRICS[metric_id].unit:
            raise ValueError(
                f"unit {v!r} does not match the unit of metric {metric_id} "
                f"({METRICS[metric_id].unit!r})"
            )
        return v

    @pydantic.field_validator("target", "baseline")
    @classmethod
    def _level(cls, v: float | None, info: pydantic.ValidationInfo) -> float | None:
        metric_id = info.data.get("metric_id")
        if v is None or metric_id not in METRICS:
            return v
        unit = METRICS[metric_id].unit
        if unit in COUNT_UNITS and v < 0:
            raise ValueError(
                f"{info.field_name} {v:g} is negative; metric {metric_id} counts {unit}"
            )
        if unit == "placering" and v < 1:
            raise ValueError(f"{info.field_name} {v:g}: a rank is 1 or more")
        return v

    @model_validator(mode="after")
    def _consistent(self) -> Target:
        if self.kind in ("max", "min") and self.target is None:
            raise ValueError(f"target {self.id!r}: kind {self.kind!r} needs a target value")
        if (
            self.kind in ("increase", "decrease")
            and self.target is None
            and not (self.baseline is not None or self.baseline_period)
        ):
            raise ValueError(f"target {self.id!r}: {self.kind!r} needs a baseline or target")
        if (self.stated_reduction is None) != (self.reduction_unit is None):
            raise ValueError(f"target {self.id!r}: stated_reduction and reduction_unit go together")
        if (self.group is None) != (self.breakdown is None):
            raise ValueError(f"target {self.id!r}: group and breakdown go together")
        if self.breakdown is not None:
            allowed = METRICS[self.metric_id].breakdowns
            if self.breakdown not in allowed:
                raise ValueError(
                    f"target {self.id!r}: metric {self.metric_id} cannot be broken down by "
                    f"{self.breakdown!r} (allowed: {', '.join(allowed) or 'none'})"
                )
            known = _known_values(self.metric_id, self.breakdown)
            if known and self.group not in known:
                raise ValueError(
                    f"target {self.id!r}: group {self.group!r} is not a value of "
                    f"{self.breakdown} (known: {', '.join(known)})"
                )
        return self

    def baseline_range(self) -> tuple[str, str] | None:
        if not self.baseline_period:
            return None
        parts = self.baseline_period.split("-")
        return (parts[0], parts[-1])


class Plan(_Strict):
    municipality_code: str = Field(pattern=r"^\d{3}$")
    municipality_name: str = Field(min_length=1)
    year: int = Field(ge=2000, le=2100)
    title: str = Field(min_length=1)
    source: str = ""
    example: bool = False  # True for illustrative plans that are not adopted plans
    targets: list[Target] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_ids(self) -> Plan:
        ids = [t.id for t in self.targets]
        dup = sorted({i for i in ids if ids.count(i) > 1})
        if dup:
            raise ValueError(f"duplicate target id(s): {', '.join(dup)}")
        return self


class ComparisonGroup(_Strict):
    """A user-defined group of municipalities, valid from ``valid_from`` to ``valid_to``."""

    id: str = Field(min_length=1)
    name: str = Field(min_length=1)
    members: list[str] = Field(min_length=1)
    valid_from: date
    valid_to: date | None = None
    note: str = ""

    @pydantic.field_validator("members")
    @classmethod
    def _codes(cls, v: list[str]) -> list[str]:
        bad = [c for c in v if not (len(c) == 3 and c.isdigit())]
        if bad:
            raise ValueError(f"not municipality codes: {', '.join(bad)}")
        return v

    def valid_on(self, d: date) -> bool:
        return self.valid_from <= d and (self.valid_to is None or d <= self.valid_to)


def _describe(exc: pydantic.ValidationError, origin: str) -> str:
    first = exc.errors()[0]
    loc = ".".join(str(p) for p in first["loc"]) or "(document)"
    more = f" (+{exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
    return f"{origin}: field {loc}: {first['msg']}{more}"


def parse_plan(text: str, *, origin: str = "<string>") -> Plan:
    """Parse and validate a plan TOML document; ValueError names origin and field."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"{origin}: not valid TOML: {exc}") from None
    try:
        return Plan.model_validate(data)
    except pydantic.ValidationError as exc:
        raise ValueError(_describe(exc, origin)) from None


def parse_comparison_groups(text: str, *, origin: str = "<string>") -> list[ComparisonGroup]:
    """Parse ``[[group]]`` tables of a comparison-groups TOML document."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"{origin}: not valid TOML: {exc}") from None
    out: list[ComparisonGroup] = []
    for i, g in enumerate(data.get("group", [])):
        try:
            out.append(ComparisonGroup.model_validate(g))
        except pydantic.ValidationError as exc:
            raise ValueError(_describe(exc, f"{origin}: group[{i}]")) from None
    return out
