"""Embedded demo data: a deterministic, synthetic store for all 98 municipalities.

``build_demo(store, seed)`` writes every canonical aggregate dataset (2019-2023, all
municipalities, the regions and the country) and person-level extracts for a few
municipalities, with Favrskov calibrated to its employment plan for 2022 (see
``calibration``). Every aggregate row's ``source`` starts with ``DEMO_SOURCE_PREFIX``;
pages and exports use ``is_demo_source`` to label the figures as demo data.
"""

from data_connectors.demo.build import PERSON_MUNICIPALITIES, build_demo, person_tables
from data_connectors.demo.common import DEFAULT_SEED, DEMO_SOURCE_PREFIX, is_demo_source

__all__ = [
    "DEFAULT_SEED",
    "DEMO_SOURCE_PREFIX",
    "PERSON_MUNICIPALITIES",
    "build_demo",
    "is_demo_source",
    "person_tables",
]
