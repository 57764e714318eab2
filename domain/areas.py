"""Municipalities, regions and the country: codes, names and name matching.

The reference list (98 municipalities with official 3-digit codes and regions) ships as
a constant in ``domain/reference/municipalities.py``.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import polars as pl

from domain.canonical import COUNTRY_CODE
from domain.reference.municipalities import MUNICIPALITIES, REGIONS, official_name

COUNTRY_NAME = "Hele landet"


@dataclass(frozen=True)
class Area:
    code: str
    name: str
    level: str  # land / region / kommune
    region_code: str | None = None


class UnknownArea(LookupError):
    pass


@lru_cache(maxsize=1)
def municipalities() -> pl.DataFrame:
    """The 98 municipalities: code, name, region_code, region_name."""
    return pl.DataFrame(
        [(c, n, r, REGIONS[r]) for c, n, r in MUNICIPALITIES],
        schema={
            "code": pl.String,
            "name": pl.String,
            "region_code": pl.String,
            "region_name": pl.String,
        },
        orient="row",
    )


@lru_cache(maxsize=1)
def all_areas() -> dict[str, Area]:
    """Every area by code: the country, the 5 regions and the 98 municipalities."""
    out = {COUNTRY_CODE: Area(COUNTRY_CODE, COUNTRY_NAME, "land")}
    for r in municipalities().iter_rows(named=True):
        out.setdefault(r["region_code"], Area(r["region_code"], r["region_name"], "region"))
        out[r["code"]] = Area(r["code"], r["name"], "kommune", r["region_code"])
    return out


def _norm(name: str) -> str:
    s = " ".join(unicodedata.normalize("NFC", name).casefold().split())
    for suffix in (" kommune", " kommunes"):
        s = s.removesuffix(suffix)
    return s


@lru_cache(maxsize=1)
def _by_name() -> dict[str, Area]:
    out = {_norm(a.name): a for a in all_areas().values()}
    for a in list(out.values()):
        if a.level == "region":
            out[_norm(a.name.removeprefix("Region "))] = a
        elif a.level == "kommune":  # Københavns Kommune, Bornholms Regionskommune, ...
            official = _norm(official_name(a.code, a.name))
            out.setdefault(official, a)
    bornholm = out[_norm("Bornholm")]
    for alias in ("Bornholms", "Bornholm Regionskommune", "Bornholms Regions Kommune"):
        out.setdefault(_norm(alias), bornholm)
    out[_norm("Landet")] = out[_norm(COUNTRY_NAME)]
    return out


def area_by_name(name: str) -> Area:
    """Match a published area name: ``Favrskov``, ``Favrskov Kommune``, the official
    ``Københavns Kommune`` and ``Bornholms Regionskommune``, ``Hele landet``."""
    try:
        return _by_name()[_norm(name)]
    except KeyError:
        raise UnknownArea(
            f"unknown area {name!r}: not a municipality, region or 'Hele landet'"
        ) from None


def area(code: str) -> Area:
    try:
        return all_areas()[code]
    except KeyError:
        raise UnknownArea(f"unknown area code {code!r}") from None


def region_of(municipality_code: str) -> Area:
    a = area(municipality_code)
    if a.region_code is None:
        raise UnknownArea(f"{a.name} is not a municipality")
    return area(a.region_code)
