"""Municipality profiles for the demo: size, social burden and how each one differs.

Populations are rounded approximations of the 2021 figures (enough to scale a demo, not
statistics). ``BURDEN`` is a rough relative level of public support (1 = the national
level): high in parts of the Copenhagen suburbs, Lolland-Falster and the larger provincial
cities, low in the northern Copenhagen suburbs and the Aarhus hinterland. Everything
else (the size of the COVID rise, the later trend, the benchmark effect) is drawn per
municipality from the seed, so comparisons and rankings are not all alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from data_connectors.demo.common import FAVRSKOV, municipality_codes, rng

POPULATION: dict[str, int] = {
    "101": 638_000, "147": 104_000, "151": 48_500, "153": 35_000, "155": 14_500,
    "157": 75_000, "159": 69_500, "161": 23_500, "163": 29_000, "165": 27_500,
    "167": 53_500, "169": 51_000, "173": 56_000, "175": 41_000, "183": 23_000,
    "185": 43_500, "187": 16_800, "190": 41_000, "201": 25_800, "210": 41_000,
    "217": 63_000, "219": 51_500, "223": 25_500, "230": 57_000, "240": 43_500,
    "250": 45_500, "253": 50_500, "259": 61_000, "260": 31_500, "265": 89_000,
    "269": 23_500, "270": 41_500, "306": 33_000, "316": 72_000, "320": 36_500,
    "326": 48_500, "329": 35_500, "330": 79_500, "336": 23_000, "340": 30_000,
    "350": 28_500, "360": 41_000, "370": 83_000, "376": 60_500, "390": 45_500,
    "400": 39_500, "410": 39_000, "420": 41_000, "430": 51_500, "440": 24_000,
    "450": 32_000, "461": 205_000, "479": 58_500, "480": 29_500, "482": 12_300,
    "492": 6_000, "510": 55_500, "530": 27_000, "540": 74_000, "550": 37_000,
    "561": 115_500, "563": 3_500, "573": 50_000, "575": 42_700, "580": 58_500,
    "607": 51_500, "615": 90_500, "621": 93_500, "630": 117_000, "657": 89_000,
    "661": 59_000, "665": 19_800, "671": 21_000, "706": 43_000, "707": 37_500,
    "710": 48_900, "727": 23_000, "730": 98_000, "740": 95_000, "741": 3_700,
    "746": 62_500, "751": 350_000, "756": 41_500, "760": 56_500, "766": 47_000,
    "773": 20_000, "779": 46_000, "787": 43_500, "791": 97_000, "810": 36_000,
    "813": 59_500, "820": 36_500, "825": 1_800, "840": 30_000, "846": 42_000,
    "849": 38_500, "851": 218_000, "860": 64_500,
}  # fmt: skip

BURDEN: dict[str, float] = {
    "101": 1.15, "147": 0.9, "151": 1.05, "153": 1.6, "155": 0.6, "157": 0.55,
    "159": 0.95, "161": 1.05, "163": 1.05, "165": 1.5, "167": 1.2, "169": 1.35,
    "173": 0.65, "175": 1.2, "183": 1.6, "185": 0.95, "187": 0.8, "190": 0.65,
    "201": 0.55, "223": 0.6, "230": 0.5, "240": 0.7, "253": 0.9, "265": 0.85,
    "269": 0.7, "306": 1.3, "316": 1.15, "320": 1.1, "326": 1.2, "330": 1.3,
    "350": 0.75, "360": 1.7, "370": 1.2, "376": 1.35, "390": 1.25, "400": 1.25,
    "410": 0.85, "440": 1.05, "450": 1.1, "461": 1.35, "479": 1.2, "482": 1.4,
    "510": 1.1, "530": 0.65, "540": 1.05, "550": 1.1, "561": 1.2, "573": 0.75,
    "575": 0.85, "580": 1.05, "607": 1.2, "615": 1.1, "621": 0.95, "630": 0.9,
    "657": 0.9, "665": 0.85, "707": 1.25, "710": 0.75, "727": 0.8, "730": 1.2,
    "740": 0.85, "746": 0.65, "751": 1.05, "756": 0.8, "760": 0.7, "766": 0.75,
    "773": 1.15, "791": 0.85, "813": 1.25, "840": 0.75, "851": 1.15, "860": 1.2,
}  # fmt: skip
"""Relative level of public support; municipalities not listed draw one near 1."""


@dataclass(frozen=True)
class Profile:
    code: str
    population: int
    burden: float
    covid: float  # how strongly the COVID rise of 2020-21 hit (1 = like Favrskov)
    trend: float  # relative drift per year after 2021 (negative = improving)
    benchmark: float  # actual / expected public support in STAR's benchmark
    refugees: float  # refugees relative to population and burden
    flexjob: float  # flexjob and ledighedsydelse relative to population and burden
    eastern: float  # weight of Eastern European insured unemployed


@lru_cache(maxsize=8)
def profiles(seed: int) -> dict[str, Profile]:
    """One profile per municipality; Favrskov's is fixed (it is calibrated, not drawn)."""
    out: dict[str, Profile] = {}
    for code in municipality_codes():
        r = rng(seed, "profile", code)
        if code == FAVRSKOV:
            out[code] = Profile(code, POPULATION[code], BURDEN[code], 1.0, 0.0, 0.94, 1.0, 1.0, 1.0)
            continue
        out[code] = Profile(
            code=code,
            population=POPULATION[code],
            burden=BURDEN.get(code, round(r.uniform(0.85, 1.15), 2)),
            covid=r.uniform(0.6, 1.45),
            trend=r.uniform(-0.09, 0.07),
            benchmark=r.gauss(1.0, 0.045),
            refugees=r.lognormvariate(0.0, 0.45),
            flexjob=r.lognormvariate(0.0, 0.18),
            eastern=r.lognormvariate(0.0, 0.6),
        )
    return out


def scaled_series(
    template: list[float],
    base_months: range,
    p: Profile,
    factor: float,
    noise: float,
    seed: int,
    what: str,
) -> list[float]:
    """A municipality's version of a Favrskov-shaped series.

    ``template`` is Favrskov's series; its mean over ``base_months`` is the pre-COVID
    level. The municipality's level is that times ``factor``; its deviation from the level
    is scaled by the profile's COVID strength; from 2022 a yearly drift applies, and each
    month gets multiplicative noise.
    """
    base = sum(template[t] for t in base_months) / len(base_months)
    r = rng(seed, "series", what, p.code)
    out = []
    for t, v in enumerate(template):
        shape = 1.0 + p.covid * (v / base - 1.0)
        drift = 1.0 + p.trend * max(0.0, (t - 36) / 12)
        out.append(max(0.0, base * factor * shape * drift * (1.0 + r.gauss(0.0, noise))))
    return out
