"""One declared mapping per jobindsats table: published labels -> stable ids.

Jobindsats labels columns in Danish and changes them between versions (v2's
``... arbejdsstyrken 16-66 år`` became ``... arbejdsstyrken``). Every label a table may
publish is declared here once, next to the measure id (``domain.datasets``) or
canonical dimension (``domain.canonical.DIMENSIONS``) it stands for. A label that
is not declared stops the import with a message naming it and the table: update this file
after checking what the new label means.

Measure labels inside a measure group read ``"<group label>: <measure label>"``; both
forms are accepted when the group label is declared here (or comes from the catalogue's
``mgroups`` for the table).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from domain.canonical import TOTAL
from domain.datasets import (
    BENEFIT_GROUPS_BENCHMARK,
    BENEFIT_RATES,
    DATASETS,
    FULLTIME,
    GROSS_UNEMPLOYED,
    LTU_FULLTIME,
    LTU_PERSONS,
    LTU_SHARE,
    PCT_LABOUR_FORCE,
    PCT_POPULATION,
    PERSONS,
    SUBTOTALS,
    VISITATION_KH_2025,
    Dataset,
    Measure,
)

PERIOD_LABELS = ("Periode", "Tid")
AREA_LABELS = ("Område", "Area", "Omraade", "Kommune")  # "Area": y30r21 in v2 files

# Published totals of a dimension ("Ydelsesgrupper i alt", "Køn i alt", "I alt", "Alle").
_TOTAL_WORDS = ("i alt", "alle")

TABLE_ID = re.compile(r"(?<![a-z0-9])(y\d{2}[a-z]{1,3}\d{2})(?![0-9])", re.IGNORECASE)
"""A jobindsats table id inside a file name or request (``y25i09``, ``y01a02``)."""


class MappingError(ValueError):
    """A column label or layout the declared mappings do not know."""

    def __init__(self, message: str, label: str | None = None):
        super().__init__(message)
        self.label = label


def norm_label(label: str) -> str:
    """Compare labels ignoring case, Unicode form and repeated or trailing spaces."""
    s = unicodedata.normalize("NFC", label).replace("\u00a0", " ")
    return " ".join(s.split()).casefold()


@dataclass(frozen=True)
class TableMapping:
    dataset_id: str
    group_labels: tuple[str, ...]
    measures: dict[str, str]  # published measure label (no group prefix) -> measure id
    dimensions: dict[str, str]  # published column label -> canonical dimension
    values: dict[str, dict[str, str]] = field(default_factory=dict)  # dim -> published -> stored
    hierarchies: dict[str, str] = field(default_factory=dict)  # API hierarchy id -> dimension
    # dim -> every published value the table may hold besides its total; a value outside
    # is refused (a typo, or another table's file). Only where the list is known.
    allowed: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # dims ``jobmaal fetch`` asks with ``*`` (all values); every other mapped one is ``/``
    fetch_all: tuple[str, ...] = ()

    def measure_id(self, label: str, extra_groups: Iterable[str] = ()) -> str:
        """The measure id of a published column label; MappingError if not declared."""
        by_label = {norm_label(k): v for k, v in self.measures.items()}
        key = norm_label(label)
        if key in by_label:
            return by_label[key]
        if ":" in label:
            group, _, rest = label.rpartition(":")
            groups = {norm_label(g) for g in (*self.group_labels, *extra_groups)}
            if norm_label(group) in groups and norm_label(rest) in by_label:
                return by_label[norm_label(rest)]
        raise MappingError(
            f"unknown column label {label.strip()!r} for table {self.dataset_id}: "
            f"expected one of {', '.join(repr(m) for m in self.measures)} "
            "(optionally prefixed '<measure group>: '), or a declared dimension "
            f"({', '.join(repr(d) for d in self.dimensions) or 'none'}); "
            "if jobindsats renamed it, update data_connectors/jobindsats/mappings.py",
            label=label,
        )

    def dimension(self, label: str) -> str | None:
        key = norm_label(label)
        for k, v in self.dimensions.items():
            if norm_label(k) == key:
                return v
        return None

    def value(self, dimension: str, published: str) -> str:
        """The stored value of a published dimension value ("... i alt" -> TOTAL)."""
        v = " ".join(unicodedata.normalize("NFC", published).split())
        key = v.casefold()
        if key in _TOTAL_WORDS or key.endswith(" i alt"):
            return TOTAL
        for k, stored in self.values.get(dimension, {}).items():
            if k.casefold() == key:
                return stored
        return v

    def disallowed(self, dimension: str, published: str) -> str | None:
        """Why ``published`` cannot be a value of ``dimension`` in this table (None: it can).

        The published values declared here (``allowed``) or, failing that, the stored
        values the dataset declares (``Dataset.values``) are the list; a dimension with
        neither is not checked. A typo ("Kontanthjlp") never becomes a new group.
        """
        stored = self.value(dimension, published)
        if stored == TOTAL:
            return None
        allowed = self.allowed.get(dimension)
        if allowed is None:
            allowed = self.dataset.values.get(dimension)
            if allowed is None:
                return None
            if stored in allowed or any(stored in p for p in _parts(self.dataset_id, dimension)):
                return None
        key = " ".join(unicodedata.normalize("NFC", published).split()).casefold()
        if any(a.casefold() == key for a in allowed):
            return None
        return (
            f"{published.strip()!r} is not a value of this column in table {self.dataset_id} "
            f"(expected one of {', '.join(repr(a) for a in allowed)} or a total '... i alt')"
        )

    @property
    def dataset(self) -> Dataset:
        return DATASETS[self.dataset_id]


def _parts(dataset_id: str, dimension: str) -> list[tuple[str, ...]]:
    """The declared subtotals of a dimension, each with its parts (``SUBTOTALS``)."""
    return [
        (sub, *parts) for sub, parts in SUBTOTALS.get(dataset_id, {}).get(dimension, {}).items()
    ]


@dataclass(frozen=True)
class ColumnPlan:
    """Which column of a header is what."""

    dataset_id: str
    period: int
    area: int
    dimensions: tuple[tuple[int, str], ...]  # column index, canonical dimension
    measures: tuple[tuple[int, str, str], ...]  # column index, published label, measure id


def _usual(*extra: Measure) -> dict[str, str]:
    """The usual measures of the ``..a02`` tables: v3 labels, plus v2's "16-66 år" spellings.

    v3 labels confirmed in public client code (Randers-Kommune-Digitalisering/
    streamlit-jobindsats-dashboard src/utils/jobindsats_utils.py; live y28a02 columns in
    AI-MichelKlos/A-kasseindsigt-dashboard); v2 spellings from Randers' etl doc/Jobindsats.md.
    """
    out = {m.label: m.id for m in (PERSONS, FULLTIME, PCT_LABOUR_FORCE, PCT_POPULATION, *extra)}
    out["Fuldtidspersoner i pct. af arbejdsstyrken 16-66 år"] = PCT_LABOUR_FORCE.id  # v2
    out["Fuldtidspersoner i pct. af befolkningen 16-66 år"] = PCT_POPULATION.id  # v2
    return out


def _labels(*measures: Measure) -> dict[str, str]:
    return {m.label: m.id for m in measures}


# Køn, Alder, Herkomst: column labels confirmed for the ..a02 family (Randers etl
# doc/Jobindsats.md; v3 rm01ak in A-kasseindsigt-dashboard). Hierarchy ids `_kon`,
# `_aldera`, `_oprinda` confirmed for y25i09/y25i01/y09a02 (Dashboard-dak-jur
# data/jobindsats-jur-discovery.json); for the other ..a02 tables they are UNCONFIRMED
# (the fetch takes ids from the table's metadata, never from here, when they differ).
_PERSON_DIMS = {"Køn": "sex", "Alder": "age_band", "Herkomst": "origin"}
_PERSON_HIERARCHIES = {"_kon": "sex", "_aldera": "age_band", "_oprinda": "origin"}
# "Mand"/"Kvinde": hand-made extracts; jobindsats writes "Mænd"/"Kvinder" (v3 rm01ak).
_SEX_VALUES = {"Mand": "Mænd", "Kvinde": "Kvinder", "Mænd": "Mænd", "Kvinder": "Kvinder"}
_SEX_ALLOWED = ("Mænd", "Kvinder", "Mand", "Kvinde")
# Visitationskategori: jobindsats spells "Åbenlys"; jobmaal stores the plan's "Åbenlyst".
_VISITATION_VALUES = {"Åbenlys uddannelsesparat": "Åbenlyst uddannelsesparat"}
_AKASSE_DIMS = {"A-kasse": "akasse"}  # total "I alt" (y25i09 probe)


def _a02(
    dataset_id: str,
    *group_labels: str,
    dimensions: dict[str, str] | None = None,
    hierarchies: dict[str, str] | None = None,
    values: dict[str, dict[str, str]] | None = None,
    allowed: dict[str, tuple[str, ...]] | None = None,
    fetch_all: tuple[str, ...] = (),
) -> TableMapping:
    """An ``..a02`` table: the usual measures, Køn, Alder and Herkomst, plus its own.

    Group labels are the measure-group names as the website shows them: UNCONFIRMED for
    the API (the catalogue's ``mgroups`` names are used as well when fetching).
    """
    return TableMapping(
        dataset_id,
        group_labels=group_labels,
        measures=_usual(),
        dimensions={**_PERSON_DIMS, **(dimensions or {})},
        values={"sex": _SEX_VALUES, **(values or {})},
        hierarchies={**_PERSON_HIERARCHIES, **(hierarchies or {})},
        allowed={"sex": _SEX_ALLOWED, **(allowed or {})},
        fetch_all=fetch_all,
    )


_Y25 = {"Ydelsesgrupper": "benefit_group", **_AKASSE_DIMS, **_PERSON_DIMS}
_Y25_HIERARCHIES = {"_ygrpi09": "benefit_group", "_akassebl": "akasse", **_PERSON_HIERARCHIES}

MAPPINGS: dict[str, TableMapping] = {
    m.dataset_id: m
    for m in (
        # Columns confirmed from a live v3 response (JOBINDSATS.md; Dashboard-dak-jur
        # data/jur-api-probe.json): Periode, Område, Ydelsesgrupper, A-kasse, then these.
        TableMapping(
            "y25i09",
            group_labels=(),
            measures=_labels(LTU_FULLTIME, LTU_PERSONS, GROSS_UNEMPLOYED, LTU_SHARE),
            dimensions=_Y25,
            # the refugees' group with a comma: an UNCONFIRMED spelling of jobindsats'
            values={
                "sex": _SEX_VALUES,
                "benefit_group": {
                    "Selvforsørgelses- og hjemrejseydelse, overgangsydelse": (
                        "Selvforsørgelses- og hjemrejseydelse/overgangsydelse"
                    ),
                },
            },
            hierarchies=_Y25_HIERARCHIES,
            allowed={"sex": _SEX_ALLOWED},
            fetch_all=("benefit_group",),
        ),
        TableMapping(
            "y25i01",
            group_labels=(),
            measures=_labels(*DATASETS["y25i01"].measures),
            dimensions=_Y25,
            values={"sex": _SEX_VALUES},
            hierarchies=_Y25_HIERARCHIES,
            allowed={"sex": _SEX_ALLOWED},
            fetch_all=("benefit_group",),
        ),
        _a02(
            "y35a02",
            "Selvforsørgelses- og hjemrejseydelse/overgangsydelse",
            "Selvforsørgelses- og hjemrejseydelse og overgangsydelse",
        ),
        # Visitationskategori values: Randers etl src/jobindsats/jobindsats_y38a02.py (v2),
        # hierarchy `_viskat_2udh`.
        _a02(
            "y38a02",
            "Uddannelseshjælp",
            dimensions={"Visitationskategori": "match_group"},
            hierarchies={"_viskat_2udh": "match_group"},
            fetch_all=("match_group",),
            values={"match_group": _VISITATION_VALUES},
            allowed={
                "match_group": (
                    "Alle uddannelsesparate",
                    "Uddannelsesparat",
                    "Åbenlys uddannelsesparat",
                    "Åbenlyst uddannelsesparat",
                    "Aktivitetsparat",
                    "Uoplyst visitationskategori",
                )
            },
        ),
        # Kontanthjælp after the reform of July 2025. Dimension hierarchy ids `_viskat_1int`,
        # `_kth_sats`, `_alder5i30` are those of the y60 family (Dashboard-dak-jur
        # discovery file); the measures are the usual ..a02 ones (its mgroup ids are the
        # a02 family's, mgrpa02_1..): UNCONFIRMED labels for y60a02 itself.
        _a02(
            "y60a02",
            "Kontanthjælp",
            dimensions={"Visitationskategori": "match_group", "Kontanthjælpssats": "benefit_rate"},
            hierarchies={
                "_viskat_1int": "match_group",
                "_kth_sats": "benefit_rate",
                "_alder5i30": "age_band",
            },
            fetch_all=("match_group",),
            values={"match_group": _VISITATION_VALUES},
            allowed={
                "match_group": (
                    *VISITATION_KH_2025,
                    "Åbenlys uddannelsesparat",
                    "Alle uddannelsesparate",
                ),
                "benefit_rate": BENEFIT_RATES,
            },
        ),
        # y08a02 has no hours or scheme breakdown (JOBINDSATS.md). The hours/scheme labels
        # below are NOT jobindsats labels: they read the demo generator's and hand-made
        # files only, until flexjob hours come from the municipality's own records.
        _a02(
            "y08a02",
            "Fleksjob",
            dimensions={"Timer": "hours_band", "Ordning": "scheme"},
        ),
        _a02("y09a02", "Ledighedsydelse"),
        _a02("y11a02", "Ressourceforløb"),
        _a02("y01a02", "A-dagpenge"),
        # v2 columns (Randers-Kommune-Digitalisering/etl src/jobindsats/jobindsats_y30r21.py
        # and airflow dags/dag_jobindsats/jobindsats_data.py); no v3 response seen.
        TableMapping(
            "y30r21",
            group_labels=(
                "Forventet og faktisk antal fuldtidspersoner på offentlig forsørgelse",
                "Forventet og faktisk andel fuldtidspersoner på offentlig forsørgelse",
            ),
            measures=_labels(*DATASETS["y30r21"].measures),
            dimensions={"Ydelsesgrupper": "benefit_group"},
            hierarchies={"_ygrp_y30r21": "benefit_group"},
            fetch_all=("benefit_group",),
            allowed={"benefit_group": BENEFIT_GROUPS_BENCHMARK},
        ),
    )
}


def mapping(dataset_id: str) -> TableMapping:
    try:
        return MAPPINGS[dataset_id.lower()]
    except KeyError:
        known = ", ".join(sorted(MAPPINGS))
        raise MappingError(
            f"no jobindsats mapping for dataset {dataset_id!r}; known: {known}"
        ) from None


def _find(header: Sequence[str], labels: Sequence[str]) -> int | None:
    wanted = {norm_label(x) for x in labels}
    for i, h in enumerate(header):
        if norm_label(h) in wanted:
            return i
    return None


def check_header(header: Sequence[str]) -> None:
    """Every column labelled, no label twice."""
    seen: dict[str, int] = {}
    for i, label in enumerate(header):
        if not label.strip():
            raise MappingError(
                f"column {i + 1} has no label: expected a label in the header", label=f"#{i + 1}"
            )
        key = norm_label(label)
        if key in seen:
            raise MappingError(
                f"the label {label.strip()!r} appears twice (columns {seen[key] + 1} and "
                f"{i + 1}): each column must have its own label",
                label=label.strip(),
            )
        seen[key] = i


def plan_columns(
    header: Sequence[str], dataset_id: str, extra_groups: Iterable[str] = ()
) -> ColumnPlan:
    """Map every column of ``header`` for ``dataset_id``; MappingError on any unknown label."""
    m = mapping(dataset_id)
    check_header(header)
    period = _find(header, PERIOD_LABELS)
    area = _find(header, AREA_LABELS)
    if period is None:
        raise MappingError("missing column 'Periode'", label="Periode")
    if area is None:
        raise MappingError("missing column 'Område'", label="Område")
    extra = tuple(extra_groups)
    dims: list[tuple[int, str]] = []
    measures: list[tuple[int, str, str]] = []
    seen_dims: dict[str, str] = {}
    seen_measures: dict[str, str] = {}
    for i, label in enumerate(header):
        if i in (period, area):
            continue
        dim = m.dimension(label)
        if dim is not None:
            if dim in seen_dims:
                raise MappingError(
                    f"columns {seen_dims[dim]!r} and {label!r} both give {dim}", label=label
                )
            seen_dims[dim] = label
            dims.append((i, dim))
            continue
        mid = m.measure_id(label, extra)
        if mid in seen_measures:
            raise MappingError(
                f"columns {seen_measures[mid]!r} and {label!r} are both measure {mid} "
                f"of table {m.dataset_id}",
                label=label,
            )
        seen_measures[mid] = label
        measures.append((i, label, mid))
    if not measures:
        raise MappingError(f"no measure columns for table {m.dataset_id}")
    return ColumnPlan(m.dataset_id, period, area, tuple(dims), tuple(measures))


def _known_columns(header: Sequence[str], m: TableMapping) -> int:
    n = 0
    for label in header:
        if m.dimension(label) is not None:
            n += 1
            continue
        try:
            m.measure_id(label)
        except MappingError:
            continue
        n += 1
    return n


def table_id_in(text: str) -> str | None:
    """The jobindsats table id named in a file name or request, lower case (None: none)."""
    found = TABLE_ID.search(text)
    return found.group(1).lower() if found else None


def resolve_dataset(
    header: Sequence[str],
    *,
    given: str | None = None,
    hints: Sequence[tuple[str, str]] = (),
    extra_groups: Iterable[str] = (),
) -> str:
    """Which table a file holds, never guessed.

    In this order: ``given`` (``--dataset``); the table id the file itself names
    (``hints``: (where, table id) from its file name or a saved request); the one table
    whose mapping fits every column. Several fits, or hints that disagree, are an error
    listing the candidates. The chosen table's mapping must still fit every column.
    """
    if given:
        return mapping(given).dataset_id
    ids = {tid.lower() for _, tid in hints}
    if len(ids) > 1:
        said = "; ".join(f"{where} says {tid}" for where, tid in hints)
        raise MappingError(f"the file names more than one table ({said}): give --dataset")
    if ids:
        where, tid = hints[0]
        if tid.lower() not in MAPPINGS:
            raise MappingError(
                f"{where} names table {tid}, which jobmaal has no mapping for "
                f"(known: {', '.join(sorted(MAPPINGS))}); give --dataset if it is another table"
            )
        return tid.lower()
    return detect_dataset(header, extra_groups)


def detect_dataset(header: Sequence[str], extra_groups: Iterable[str] = ()) -> str:
    """The one dataset whose mapping knows every column; MappingError if none or several.

    When no mapping knows every column, the tables knowing the most columns are taken as
    what the file was meant to be, and the first label they do not know is named.
    """
    check_header(header)
    extra = tuple(extra_groups)
    fits: list[str] = []
    misses: list[tuple[int, str, MappingError]] = []
    for ds, m in MAPPINGS.items():
        try:
            plan_columns(header, ds, extra)
        except MappingError as exc:
            if exc.label in ("Periode", "Område"):
                raise
            misses.append((_known_columns(header, m), ds, exc))
            continue
        fits.append(ds)
    if len(fits) == 1:
        return fits[0]
    cols = ", ".join(repr(h) for h in header)
    if fits:
        listed = ", ".join(f"{ds} ({DATASETS[ds].title})" for ds in fits)
        raise MappingError(
            f"the columns fit {len(fits)} tables: {listed}; jobmaal does not guess: give "
            f"--dataset, or keep the table id in the file name (e.g. {fits[0]}-udtraek.csv)"
        )
    best = max(n for n, _, _ in misses)
    closest = [(ds, exc) for n, ds, exc in misses if n == best]
    labels = {exc.label for _, exc in closest}
    if best > 0 and len(labels) == 1:
        label = labels.pop()
        tables = ", ".join(ds for ds, _ in closest)
        raise MappingError(
            f"unknown or renamed column label {(label or '').strip()!r} "
            f"(the other columns fit {tables}): "
            "check the label, give --dataset if the file is another table, or update "
            "data_connectors/jobindsats/mappings.py if jobindsats renamed it",
            label=label,
        )
    raise MappingError(
        f"no known jobindsats table has the columns {cols}; give --dataset "
        f"(one of {', '.join(sorted(MAPPINGS))}) to see which label is unknown"
    )
