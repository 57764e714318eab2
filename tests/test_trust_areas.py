"""Official municipality names map to the right code (issue 11, part 7)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from domain.areas import UnknownArea, area_by_name
from domain.reference.municipalities import MUNICIPALITIES, official_name

SHARED_CSV = Path(__file__).resolve().parents[2] / "shared" / "reference" / "municipalities.csv"


def _reference() -> list[tuple[str, str]]:
    """(code, bare name) of the 98: the shared reference list when present, else ours."""
    if SHARED_CSV.is_file():
        with SHARED_CSV.open(encoding="utf-8-sig", newline="") as fh:
            return [(r["code"].zfill(3), r["name"]) for r in csv.DictReader(fh)]
    return [(code, name) for code, name, _ in MUNICIPALITIES]


REFERENCE = _reference()
# Written out, not derived: the two whose official name is not "<name> Kommune".
OFFICIAL = {code: f"{name} Kommune" for code, name in REFERENCE} | {
    "101": "Københavns Kommune",
    "400": "Bornholms Regionskommune",
}


def test_the_reference_has_98_municipalities_and_ours_agrees() -> None:
    assert len(REFERENCE) == 98
    assert sorted(REFERENCE) == sorted((c, n) for c, n, _ in MUNICIPALITIES)


@pytest.mark.parametrize(("code", "official"), sorted(OFFICIAL.items()))
def test_every_official_name_maps_to_its_code(code: str, official: str) -> None:
    assert area_by_name(official).code == code
    assert official_name(code, area_by_name(official).name) == official
    assert area_by_name(official.upper()).code == code
    assert area_by_name(f"  {official.replace(' ', '  ')} ").code == code


@pytest.mark.parametrize(("code", "name"), REFERENCE)
def test_every_bare_name_and_name_kommune_maps_to_its_code(code: str, name: str) -> None:
    assert area_by_name(name).code == code
    assert area_by_name(f"{name} Kommune").code == code
    assert area_by_name(f"{name}\u00a0Kommune").code == code  # a non-breaking space


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("Københavns Kommune", "101"),
        ("København", "101"),
        ("København Kommune", "101"),
        ("Bornholms Regionskommune", "400"),
        ("Bornholm Regionskommune", "400"),
        ("Bornholm", "400"),
        ("Frederiksberg Kommune", "147"),
        ("Frederiksberg", "147"),
        ("Nordfyns Kommune", "480"),
        ("Vesthimmerlands Kommune", "820"),
    ],
)
def test_the_named_cases(name: str, code: str) -> None:
    assert area_by_name(name).code == code


def test_not_a_municipality_is_still_refused() -> None:
    for name in ("Uoplyst område", "Københavns Regionskommune", "Kommune"):
        with pytest.raises(UnknownArea):
            area_by_name(name)
