"""Danish month names, number formatting and period labels (metrics.danish)."""

from __future__ import annotations

import pytest

from metrics import api, danish


def test_month_names_long_and_short() -> None:
    assert danish.MONTHS[0] == "januar" and danish.MONTHS[4] == "maj"
    assert danish.MONTHS[11] == "december" and len(danish.MONTHS) == 12
    assert danish.MONTHS_SHORT == (
        "jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("x", "decimals", "text"),
    [
        (1234.5, 1, "1.234,5"),
        (1234567.891, 2, "1.234.567,89"),
        (164.788, 1, "164,8"),  # 117 / 0.71
        (716, 0, "716"),
        (12.57, 0, "13"),
        (-1.25, 1, "-1,2"),  # round half to even: -1.25 -> -1.2
        (-0.04, 1, "0,0"),  # no "-0,0"
        (None, 1, "–"),
    ],
)
def test_number(x: float | None, decimals: int, text: str) -> None:
    assert danish.number(x, decimals) == text


def test_period_label_is_the_api_one() -> None:
    assert api.period_label is danish.period_label
    assert danish.period_label("2021M08", "2022M07") == "august 2021-juli 2022"


def test_genitive_of_municipality_names() -> None:
    assert danish.genitive("Favrskov") == "Favrskovs"
    assert danish.genitive("Randers") == "Randers'"
    assert danish.genitive("Aabenraa") == "Aabenraas"
