"""Danish number and period formatting for labels and cards (no KPI arithmetic here)."""

from __future__ import annotations

import re
from datetime import date

from metrics.danish import MISSING, MONTHS, MONTHS_SHORT
from metrics.danish import danish_separators as danish

SUPPRESSED_TEXT = "<5"
UNKNOWN_TEXT = "ukendt"
"""A total the source does not publish, where a part is suppressed (never the visible sum)."""
MISSING_TEXT = MISSING

UNIT_SUFFIX = {"pct": " %", "fuldtidspersoner": "", "personer": "", "antal": ""}
UNIT_LABEL = {
    "pct": "pct.",
    "fuldtidspersoner": "fuldtidspersoner",
    "personer": "personer",
    "antal": "antal",
}


def number(
    value: float | int | None,
    spec: str = ",.0f",
    *,
    suppressed: bool = False,
    unknown: bool = False,
) -> str:
    """Format a number the Danish way; ``<5`` when suppressed, ``ukendt`` when a total is
    unknown (not published, a part suppressed), a dash when missing."""
    if unknown:
        return UNKNOWN_TEXT
    if suppressed:
        return SUPPRESSED_TEXT
    if value is None:
        return MISSING_TEXT
    spec = spec or ",.1f"
    return danish(format(value, spec))


def with_unit(
    value: float | int | None,
    unit: str,
    spec: str = ",.0f",
    *,
    suppressed: bool = False,
    unknown: bool = False,
) -> str:
    text = number(value, spec, suppressed=suppressed, unknown=unknown)
    if text in (SUPPRESSED_TEXT, MISSING_TEXT, UNKNOWN_TEXT):
        return text
    return text + UNIT_SUFFIX.get(unit, "")


def signed(value: float | int | None, unit: str, spec: str = ",.0f") -> str:
    """A difference with an explicit sign (``+3`` / ``-1,5 %-point``)."""
    if value is None:
        return MISSING_TEXT
    plus_spec = "+" + spec if not spec.startswith("+") else spec
    text = danish(format(value, plus_spec)).replace("-", "−")
    return text + (" %-point" if unit == "pct" else "")


def cell(
    value: float | int | None,
    unit: str,
    spec: str = ",.0f",
    *,
    suppressed: bool = False,
    unknown: bool = False,
) -> str:
    """A table cell: like :func:`with_unit`, but blank (not a dash) when missing."""
    if (value is None or value != value) and not (suppressed or unknown):  # None or NaN
        return ""
    return with_unit(value, unit, spec, suppressed=suppressed, unknown=unknown)


def signed_cell(value: float | int | None, unit: str, spec: str = ",.0f") -> str:
    """A difference in a table cell: like :func:`signed`, blank when missing."""
    return "" if value is None or value != value else signed(value, unit, spec)


_PERIOD = re.compile(r"^(\d{4})M(\d{2})$")
_ROLLING = re.compile(r"^(\d{4})QMAT0?([1-4])$")


def period_label(code: str | None) -> str:
    """``2022M03`` -> ``mar 2022``; ``2022QMAT04`` (the four quarters up to and including
    the 4th quarter of 2022) -> ``år til 4. kvt. 2022``; other codes as they are."""
    if not code:
        return MISSING_TEXT
    m = _PERIOD.match(code)
    if m:
        return f"{MONTHS_SHORT[int(m.group(2)) - 1]} {m.group(1)}"
    r = _ROLLING.match(code)
    if r:
        return f"år til {r.group(2)}. kvt. {r.group(1)}"
    return code


def date_label(d: date | None) -> str:
    if d is None:
        return MISSING_TEXT
    return f"{d.day}. {MONTHS[d.month - 1]} {d.year}"


def period_span(first: str | None, last: str | None) -> str:
    if not first and not last:
        return MISSING_TEXT
    if first == last:
        return period_label(first)
    return f"{period_label(first)} – {period_label(last)}"
