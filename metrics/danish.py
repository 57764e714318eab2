"""Danish formatting: numbers, units, periods, dates and names. Pure text, no I/O.

The one formatting module of jobmaal: the explanations and notes of ``metrics``, the
cards, tables and charts of the dashboard, the exports, the report and the CLI all use
it, so a figure or a period reads the same everywhere. Two period forms: ``period_label``
(long, in sentences: "juni 2022", "juli 2021-juni 2022") and ``period_short`` (tables and
axes: "jun 2022", "jul 2021-jun 2022"); both describe a rolling year by its months.
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
MISSING_TEXT = MISSING
SUPPRESSED_TEXT = "<5"
UNKNOWN_TEXT = "ukendt"
"""A total the source does not publish, where a part is suppressed (never the visible sum)."""

UNIT_SUFFIX = {"pct": " %", "fuldtidspersoner": "", "personer": "", "antal": ""}
UNIT_LABEL = {
    "pct": "pct.",
    "fuldtidspersoner": "fuldtidspersoner",
    "personer": "personer",
    "antal": "antal",
}

__all__ = [
    "MISSING",
    "MISSING_TEXT",
    "MONTHS",
    "MONTHS_SHORT",
    "SUPPRESSED_TEXT",
    "UNIT_LABEL",
    "UNIT_SUFFIX",
    "UNKNOWN_TEXT",
    "cell",
    "danish_separators",
    "date_label",
    "display_spec",
    "genitive",
    "number",
    "period_label",
    "period_short",
    "period_span",
    "signed",
    "signed_cell",
    "with_unit",
]


def danish_separators(text: str) -> str:
    """Swap English separators for Danish ones in formatted text: 1,234.5 -> 1.234,5."""
    return text.translate(str.maketrans(",.", ".,"))


def number(
    value: float | None,
    spec: str | int = ",.0f",
    *,
    suppressed: bool = False,
    unknown: bool = False,
) -> str:
    """``value`` the Danish way: thousands '.', decimal ',' (1234.5 -> "1.234,5").

    ``spec`` is a format spec (",.1f") or a number of decimals (1). ``<5`` when
    suppressed, ``ukendt`` when a total is unknown, ``MISSING`` ("–") for None; never
    "-0" for a negative number that rounds to zero.
    """
    if unknown:
        return UNKNOWN_TEXT
    if suppressed:
        return SUPPRESSED_TEXT
    if value is None:
        return MISSING
    if isinstance(spec, int):
        spec = f",.{max(0, spec)}f"
    text = format(value, spec or ",.1f")
    if text.startswith("-") and not any(c not in "-0,." for c in text):
        text = text[1:]
    return danish_separators(text)


def with_unit(
    value: float | None,
    unit: str,
    spec: str = ",.0f",
    *,
    suppressed: bool = False,
    unknown: bool = False,
) -> str:
    """A number with its unit's suffix (" %" for shares)."""
    text = number(value, spec, suppressed=suppressed, unknown=unknown)
    if text in (SUPPRESSED_TEXT, MISSING, UNKNOWN_TEXT):
        return text
    return text + UNIT_SUFFIX.get(unit, "")


def signed(value: float | None, unit: str, spec: str = ",.0f") -> str:
    """A difference with an explicit sign (``+3`` / ``−1,5 %-point``)."""
    if value is None:
        return MISSING
    plus_spec = "+" + spec if not spec.startswith("+") else spec
    text = danish_separators(format(value, plus_spec)).replace("-", "−")
    return text + (" %-point" if unit == "pct" else "")


def cell(
    value: float | None,
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


def signed_cell(value: float | None, unit: str, spec: str = ",.0f") -> str:
    """A difference in a table cell: like :func:`signed`, blank when missing."""
    return "" if value is None or value != value else signed(value, unit, spec)


def date_label(d: date | None) -> str:
    """``15. januar 2024``."""
    if d is None:
        return MISSING
    return f"{d.day}. {MONTHS[d.month - 1]} {d.year}"


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


def _short(d: date) -> str:
    return f"{MONTHS_SHORT[d.month - 1]} {d.year}"


def period_short(code: str | None) -> str:
    """A period code for tables and axes: ``2022M03`` -> "mar 2022", a rolling year
    ``2022QMAT02`` -> "jul 2021-jun 2022" (its months, as ``period_label`` says them),
    ``2022Y01`` -> "2022"; other codes as ``period_label``; ``MISSING`` for none."""
    if not code:
        return MISSING
    try:
        p = parse_period(code)
    except ValueError:
        return code
    if p.type == "M":
        return _short(p.start)
    if p.type == "QMAT":
        return f"{_short(p.start)}-{_short(p.end)}"
    return period_label(code)


def period_span(first: str | None, last: str | None) -> str:
    """From ``first`` to ``last`` in the short form ("jan 2021 – dec 2022")."""
    if not first and not last:
        return MISSING
    if first == last or not last:
        return period_short(first)
    if not first:
        return period_short(last)
    return f"{period_short(first)} – {period_short(last)}"


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
