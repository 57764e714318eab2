"""Period codes as jobindsats.dk publishes them, and the dates they cover.

The raw code is always kept as the key (``2021M07``); type, start and end are derived
beside it. A rolling four-quarter period (``2022QMAT04``) is never turned into a month.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

PERIOD_TYPES = ("M", "Q", "QMAT", "Y", "MYTD")

_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("QMAT", re.compile(r"^(\d{4})QMAT0?([1-4])$")),
    ("MYTD", re.compile(r"^(\d{4})MYTD(\d{1,2})$")),
    ("M", re.compile(r"^(\d{4})M(\d{2})$")),
    ("Q", re.compile(r"^(\d{4})Q0?([1-4])$")),  # v3 writes 2025Q02, v2 wrote 2021Q1
    ("Y", re.compile(r"^(\d{4})(?:Y01)?$")),
)


class PeriodError(ValueError):
    """A period code that is not one of the published forms."""


@dataclass(frozen=True)
class Period:
    code: str
    type: str
    start: date
    end: date


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def parse_period(code: str) -> Period:
    """Parse a published period code into its type, first day and last day.

    ``2021M07`` month; ``2025Q02`` (or v2 ``2021Q1``) quarter; ``2022QMAT04`` the four
    quarters ending with that quarter (``2022QMAT01`` covers 2021-04-01 to 2022-03-31,
    ``2022QMAT04`` the calendar year 2022); ``2024Y01`` (or ``2024``) year; ``2024MYTD05``
    January to May. The returned code is normalised to the v3 spelling.
    """
    raw = code.strip()
    for ptype, pattern in _PATTERNS:
        m = pattern.match(raw)
        if not m:
            continue
        year = int(m.group(1))
        if not 1900 <= year <= 2100:
            break
        if ptype == "Y":
            return Period(f"{year}Y01", "Y", date(year, 1, 1), date(year, 12, 31))
        n = int(m.group(2))
        if ptype == "M" or ptype == "MYTD":
            if not 1 <= n <= 12:
                break
            if ptype == "M":
                return Period(f"{year}M{n:02d}", "M", date(year, n, 1), _month_end(year, n))
            return Period(f"{year}MYTD{n:02d}", "MYTD", date(year, 1, 1), _month_end(year, n))
        end = _month_end(year, 3 * n)
        if ptype == "Q":
            return Period(f"{year}Q{n:02d}", "Q", date(year, 3 * n - 2, 1), end)
        # QMAT: the quarter itself and the three before it.
        start_q, start_y = n + 1, year - 1
        if start_q > 4:
            start_q, start_y = start_q - 4, start_y + 1
        return Period(f"{year}QMAT{n:02d}", "QMAT", date(start_y, 3 * start_q - 2, 1), end)
    raise PeriodError(
        f"unknown period code {code!r}: expected e.g. 2021M07, 2025Q02, 2022QMAT04, 2024Y01"
    )


def month_code(d: date) -> str:
    """The month period code a date falls in (``2021M07``)."""
    return f"{d.year}M{d.month:02d}"


def month_range(first: str, last: str) -> list[str]:
    """All month codes from ``first`` to ``last`` inclusive."""
    a, b = parse_period(first), parse_period(last)
    if a.type != "M" or b.type != "M":
        raise PeriodError(f"month range needs month codes, got {first!r} and {last!r}")
    out: list[str] = []
    y, m = a.start.year, a.start.month
    while (y, m) <= (b.start.year, b.start.month):
        out.append(f"{y}M{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out
