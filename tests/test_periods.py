from datetime import date

import pytest

from domain.periods import PeriodError, month_range, parse_period


@pytest.mark.parametrize(
    ("code", "norm", "ptype", "start", "end"),
    [
        ("2021M07", "2021M07", "M", date(2021, 7, 1), date(2021, 7, 31)),
        ("2024M02", "2024M02", "M", date(2024, 2, 1), date(2024, 2, 29)),  # leap year
        ("2025Q02", "2025Q02", "Q", date(2025, 4, 1), date(2025, 6, 30)),
        ("2021Q1", "2021Q01", "Q", date(2021, 1, 1), date(2021, 3, 31)),  # v2 spelling
        ("2024Y01", "2024Y01", "Y", date(2024, 1, 1), date(2024, 12, 31)),
        ("2024", "2024Y01", "Y", date(2024, 1, 1), date(2024, 12, 31)),
        ("2024MYTD05", "2024MYTD05", "MYTD", date(2024, 1, 1), date(2024, 5, 31)),
        # Rolling four quarters ending with the named quarter.
        ("2022QMAT04", "2022QMAT04", "QMAT", date(2022, 1, 1), date(2022, 12, 31)),
        ("2022QMAT02", "2022QMAT02", "QMAT", date(2021, 7, 1), date(2022, 6, 30)),
        ("2022QMAT01", "2022QMAT01", "QMAT", date(2021, 4, 1), date(2022, 3, 31)),
    ],
)
def test_parse_period(code: str, norm: str, ptype: str, start: date, end: date) -> None:
    p = parse_period(code)
    assert (p.code, p.type, p.start, p.end) == (norm, ptype, start, end)


def test_qmat_is_never_a_month() -> None:
    p = parse_period("2022QMAT04")
    assert p.type == "QMAT"
    assert (p.end - p.start).days > 300  # a year's span, not a month's


@pytest.mark.parametrize("bad", ["2021M13", "2021M00", "2021Q5", "21M07", "2021-07", "", "juli"])
def test_unknown_codes_raise(bad: str) -> None:
    with pytest.raises(PeriodError, match="unknown period code"):
        parse_period(bad)


def test_month_range_crosses_year() -> None:
    assert month_range("2020M11", "2021M02") == ["2020M11", "2020M12", "2021M01", "2021M02"]
    with pytest.raises(PeriodError):
        month_range("2020Q01", "2020M03")
