"""Danish month names, number formatting and period labels: pure text helpers, no I/O.

The one place these live; ``metrics`` uses them for explanations and notes, and the
dashboard may import them (``from metrics.danish import MONTHS, MONTHS_SHORT, number,
period_label``).
"""

from __future__ import annotations

import re
from datetime import date

from domain.periods import parse_period

MONTHS = (
    "januar",
    "februar",
    "marts",
    "april",
    "maj",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "december",
)
MONTHS_SHORT = ("jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec")
MISSING = "–"

__all__ = [
    "MISSING",
    "MONTHS",
    "MONTHS_SHORT",
    "danish_separators",
    "display_spec",
    "genitive",
    "number",
    "period_label",
]


def danish_separators(text: str) -> str:
    """Swap English separators for Danish ones in formatted text: 1,234.5 -> 1.234,5."""
    return text.translate(str.maketrans(",.", ".,"))


def number(x: float | None, decimals: int = 1) -> str:
    """``x`` the Danish way: thousands '.', decimal ',' (1234.5 -> "1.234,5").

    ``decimals`` digits after the comma (0 gives a whole number); ``MISSING`` ("–") for
    None.
    """
    if x is None:
        return MISSING
    text = format(x, f",.{max(0, decimals)}f")
    if text.startswith("-") and not any(c not in "-0,." for c in text):
        text = text[1:]  # no "-0" for a negative number that rounds to zero
    return danish_separators(text)


def spec_decimals(spec: str) -> int:
    """Digits after the decimal point of a format spec (",.1f" -> 1, ".0f" -> 0; 1 when
    the spec names none)."""
    m = re.search(r"\.(\d+)f", spec or "")
    return int(m.group(1)) if m else 1


def display_spec(spec: str, target: float | None) -> str:
    """The format that shows a value beside its target consistently: the metric's own
    precision, or one decimal more when the target needs it (a target of 45,4 % is shown
    as 45,4 %, and the value and the gap beside it with one decimal too). Every place
    that prints a target's figures (cards, tables, explanations, the report) uses it."""
    d = spec_decimals(spec)
    if target is not None and d < 1 and abs(round(target) - target) > 1e-9:
        d = 1
    return f",.{d}f"


def genitive(name: str) -> str:
    """Danish genitive of a name: "Favrskovs", but "Randers'" (a name ending in s, x or
    z takes an apostrophe, Retskrivningsordbogen § 6)."""
    return f"{name}'" if name[-1:].lower() in ("s", "x", "z") else f"{name}s"


def _month(d: date) -> str:
    return MONTHS[d.month - 1]


def _month_span(a: date, b: date) -> str:
    """Months from a's month to b's month: "juni 2022", "januar-juni 2022"."""
    if (a.year, a.month) == (b.year, b.month):
        return f"{_month(a)} {a.year}"
    if a.year == b.year:
        return f"{_month(a)}-{_month(b)} {a.year}"
    return f"{_month(a)} {a.year}-{_month(b)} {b.year}"


def _quarter_span(a: date, b: date) -> str:
    qa, qb = (a.month - 1) // 3 + 1, (b.month - 1) // 3 + 1
    if (a.year, qa) == (b.year, qb):
        return f"{qa}. kvartal {a.year}"
    if a.year == b.year:
        return f"{qa}.-{qb}. kvartal {a.year}"
    return f"{qa}. kvartal {a.year}-{qb}. kvartal {b.year}"


def period_label(first: str, last: str | None = None) -> str:
    """Danish text for a period code or a run of codes, as a committee member reads it.

    ``2022M06`` -> "juni 2022"; ``2022M01``-``2022M12`` -> "januar-december 2022";
    ``2022Q02`` -> "2. kvartal 2022"; ``2022Q01``-``2022Q04`` -> "1.-4. kvartal 2022";
    ``2022Y01`` -> "2022"; ``2022MYTD05`` -> "januar-maj 2022"; a rolling year
    ``2022QMAT02`` -> "juli 2021-juni 2022", a run of them "4 kvartaler til og med
    2.-4. kvartal 2022". Empty string for an empty code.
    """
    if not first:
        return ""
    a = parse_period(first)
    b = parse_period(last) if last else a
    if a.type != b.type:
        return f"{period_label(a.code)}-{period_label(b.code)}"
    if a.type in ("M", "MYTD"):
        return _month_span(a.start, b.end)
    if a.type == "Q":
        return _quarter_span(a.start, b.end)
    if a.type == "Y":
        return str(a.start.year) if a == b else f"{a.start.year}-{b.start.year}"
    # QMAT: four quarters ending with the code's quarter.
    if a == b:
        return _month_span(a.start, a.end)
    return f"4 kvartaler til og med {_quarter_span(a.end, b.end)}"
