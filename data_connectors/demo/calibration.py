"""Favrskov's demo series, calibrated to the figures of its employment plan for 2022.

The plan (seed 003, summarised in DOMAIN.md) states these points, which the demo
reproduces exactly:

* long-term unemployed (full-time persons): peak 199 in May 2021; the average over
  Aug 2020-Jul 2021 is 165, so the target of 117 is a 29 % fall;
* table 5: insured unemployed and of them Eastern Europeans at the start of Jan, Apr, Jul
  and Oct 2020 and Jan, Apr, Jul 2021;
* 118 refugees on public support in July 2020 and 105 in July 2021; by the end of August
  2021, 8 refugees reached lasting self-support in 2021 (6 women): job 6 (4 women),
  education 2 (2 women), IGU 0;
* uddannelseshjælp: average 227 full-time persons Aug 2020-Jul 2021 (216 is 5 % less),
  falling by 32 from July 2020 to July 2021; åbenlyst uddannelsesparate and
  uddannelsesparate together 78 -> 48 persons;
* flexjob 846 -> 890 persons and ledighedsydelse 134 -> 93, July 2020 -> July 2021;
  656 full-time persons on the new scheme and 234 on the old (mid 2021);
* about 75 company visits and 1-2 campaigns a year.

Everything between and after these points is invented but plausible. For 2022-2023 the
series move toward the plan's targets without all reaching them, so the target pages
show a mix of statuses.
"""

from __future__ import annotations

from data_connectors.demo.common import interpolate

# Long-term unemployed, full-time persons, 2019M01-2023M12 (60 values).
LTU_FULLTIME: tuple[float, ...] = (
    # 2019
    105, 108, 106, 102, 98, 95, 90, 94, 96, 95, 97, 100,
    # 2020: COVID from April
    103, 104, 105, 109, 113, 116, 117, 120, 127, 136, 146, 157,
    # 2021: peak 199 in May, seasonal drop June-July, up again in August
    170, 182, 190, 196, 199, 190, 167, 172, 163, 152, 143, 137,
    # 2022: average about 124, above the target of 117
    135, 133, 130, 127, 124, 120, 112, 118, 121, 122, 124, 126,
    # 2023
    128, 127, 124, 120, 117, 114, 106, 112, 115, 116, 118, 120,
)  # fmt: skip

# Table 5: insured unemployed and Eastern Europeans, full-time persons at start of month.
TABLE5: dict[str, tuple[int, int]] = {
    "2020M01": (661, 48),
    "2020M04": (863, 71),
    "2020M07": (1025, 89),
    "2020M10": (933, 82),
    "2021M01": (882, 82),
    "2021M04": (910, 78),
    "2021M07": (716, 90),
}

INSURED_ANCHORS: dict[str, float] = {
    "2019M01": 655, "2019M04": 610, "2019M07": 640, "2019M10": 590,
    **{m: float(v[0]) for m, v in TABLE5.items()},
    "2020M03": 690, "2020M05": 985,
    "2021M10": 610, "2022M01": 640, "2022M04": 560, "2022M07": 540, "2022M10": 520,
    "2022M12": 565, "2023M04": 575, "2023M07": 590, "2023M12": 640,
}  # fmt: skip

EASTERN_ANCHORS: dict[str, float] = {
    "2019M01": 42, "2019M07": 45, "2019M10": 44,
    **{m: float(v[1]) for m, v in TABLE5.items()},
    "2021M10": 72, "2022M01": 66, "2022M07": 48, "2022M12": 44, "2023M12": 40,
}  # fmt: skip
"""End of 2022 about 7.8 % of insured unemployed: falling, but not down to the 5 % target."""

# Refugees on selvforsørgelses- og hjemrejseydelse/overgangsydelse, persons.
REFUGEE_ANCHORS: dict[str, float] = {
    "2019M01": 141, "2019M07": 133, "2020M01": 124, "2020M07": 118,
    "2021M01": 112, "2021M07": 105, "2021M12": 99, "2022M06": 103,
    "2022M12": 109, "2023M12": 101,
}  # fmt: skip
REFUGEE_WOMEN_SHARE = 0.54

# Favrskov's refugees reaching lasting self-support: (month, sex, route), fixed for
# 2021-2022. Jan-Aug 2021 is table 6 of the plan; Sep 2021-Dec 2022 gives 15 more (6
# women), one short of the target of 16, half of them women.
REFUGEE_EVENTS: tuple[tuple[str, str, str], ...] = (
    ("2021M02", "Kvinder", "Job"),
    ("2021M03", "Mænd", "Job"),
    ("2021M04", "Kvinder", "Uddannelse"),
    ("2021M05", "Kvinder", "Job"),
    ("2021M06", "Kvinder", "Job"),
    ("2021M07", "Mænd", "Job"),
    ("2021M08", "Kvinder", "Job"),
    ("2021M08", "Kvinder", "Uddannelse"),
    ("2021M09", "Mænd", "Job"),
    ("2021M10", "Kvinder", "Job"),
    ("2021M11", "Mænd", "IGU"),
    ("2021M12", "Mænd", "Job"),
    ("2022M02", "Mænd", "Job"),
    ("2022M03", "Kvinder", "Uddannelse"),
    ("2022M04", "Mænd", "Job"),
    ("2022M05", "Mænd", "IGU"),
    ("2022M06", "Kvinder", "Job"),
    ("2022M08", "Mænd", "Job"),
    ("2022M09", "Kvinder", "Job"),
    ("2022M10", "Mænd", "Job"),
    ("2022M11", "Kvinder", "IGU"),
    ("2022M12", "Mænd", "Job"),
    ("2022M12", "Kvinder", "Job"),
)
REFUGEE_EVENTS_FIXED = ("2021M01", "2022M12")
"""The months covered by REFUGEE_EVENTS; other months are drawn from the seed."""

# Uddannelseshjælp, full-time persons: Jul 2020 246 -> Jul 2021 214, mean 227 in between.
UDH_FULLTIME_ANCHORS: dict[str, float] = {
    "2019M01": 262, "2019M07": 250, "2019M12": 255, "2020M04": 266, "2020M07": 246,
    "2020M08": 242, "2020M09": 236, "2020M10": 233, "2020M11": 231, "2020M12": 229,
    "2021M01": 228, "2021M02": 226, "2021M03": 226, "2021M04": 222, "2021M05": 219,
    "2021M06": 218, "2021M07": 214, "2021M10": 216, "2022M01": 218, "2022M07": 204,
    "2022M12": 208, "2023M07": 199, "2023M12": 204,
}  # fmt: skip
"""2022 averages about 211: the target of at most 216 is met."""

# Åbenlyst uddannelsesparate + uddannelsesparate on uddannelseshjælp, persons.
UDH_READY_PERSONS: dict[str, float] = {
    "2019M01": 92, "2020M01": 86, "2020M07": 78, "2021M07": 48,
    "2022M07": 44, "2023M12": 42,
}  # fmt: skip

# Flexjob persons in total and on the old scheme (the rest are on the new scheme).
FLEXJOB_PERSONS: dict[str, float] = {
    "2019M01": 805, "2020M07": 846, "2021M07": 890, "2022M07": 918, "2023M12": 940,
}  # fmt: skip
FLEXJOB_OLD_SCHEME: dict[str, float] = {
    "2019M01": 268, "2020M07": 250, "2021M07": 234, "2022M07": 219, "2023M12": 201,
}  # fmt: skip
# Hours bands of the new scheme (shares of 1-5, 6-10, over 10 hours) by year; the share
# over 10 hours rises slowly after the plan. The plan's figure 11 has 60-63 % in 1-10 hours
# and 31-33 % above 10; its remaining few percent (no registered hours) have no band in
# y08a02, so the demo counts them above 10 hours to keep totals equal to the bands' sum.
FLEXJOB_NEW_BANDS: dict[int, tuple[float, float, float]] = {
    2019: (0.29, 0.34, 0.37),
    2020: (0.28, 0.345, 0.375),
    2021: (0.275, 0.345, 0.38),
    2022: (0.265, 0.34, 0.395),
    2023: (0.255, 0.335, 0.41),
}
FLEXJOB_OLD_BANDS = (0.02, 0.06, 0.92)
# Share of new-scheme flexjobbers without registered hours in a month: y08a02-style bands
# count them above 10 hours; the municipality's own hours data (fleksjob_timeudvikling,
# ``personer``) keeps them apart, so June 2021 has 0.275 + 0.345 = 62 % in 1-10 hours and
# 0.38 - 0.06 = 32 % above 10 (the plan's 60-63 % and 31-33 %, figure 11).
FLEXJOB_NO_HOURS_SHARE = 0.06

LEDIGHEDSYDELSE_PERSONS: dict[str, float] = {
    "2019M01": 118, "2019M12": 116, "2020M05": 141, "2020M07": 134, "2021M01": 117,
    "2021M07": 93, "2022M01": 90, "2022M07": 86, "2023M12": 94,
}  # fmt: skip

RESSOURCEFORLOEB_PERSONS: dict[str, float] = {
    "2019M01": 176, "2020M07": 168, "2021M07": 160, "2022M07": 152, "2023M12": 149,
}  # fmt: skip

# Company visits per month, by year (Favrskov aims at 75 a year and 1-2 campaigns).
CRM_VISITS_PER_YEAR: dict[int, int] = {2019: 70, 2020: 52, 2021: 64, 2022: 78, 2023: 80}
CRM_CAMPAIGN_MONTHS: tuple[str, ...] = (
    "2019M05", "2019M10", "2020M09", "2021M04", "2022M03", "2022M10", "2023M04",
)  # fmt: skip

# Share of flexjobbers (new scheme, 1-5 and 6-10 hours) up / down in hours since start,
# June each year. In 2021 Favrskov is 8 (1-5 hours) and 5 (6-10 hours) points above the
# country in going up, and above it in going down too; after the plan more go up.
FLEXJOB_HOURS_CHANGE: dict[int, dict[str, tuple[float, float]]] = {
    2019: {"1-5 timer": (0.44, 0.14), "6-10 timer": (0.29, 0.21)},
    2020: {"1-5 timer": (0.445, 0.14), "6-10 timer": (0.295, 0.21)},
    2021: {"1-5 timer": (0.45, 0.14), "6-10 timer": (0.30, 0.21)},
    2022: {"1-5 timer": (0.47, 0.13), "6-10 timer": (0.315, 0.2)},
    2023: {"1-5 timer": (0.49, 0.12), "6-10 timer": (0.33, 0.19)},
}


def monthly(anchors: dict[str, float]) -> list[float]:
    """An anchored series over the demo months (exact at the anchor months)."""
    return interpolate(anchors)
