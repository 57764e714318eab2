"""One declared mapping per jobindsats table: published labels -> stable ids.

Jobindsats labels columns in Danish and changes them between versions (v2's
``... arbejdsstyrken 16-66 år`` became ``... arbejdsstyrken``). Every label a table may
publish is declared here once, next to the measure id (``data_connectors.datasets``) or
canonical dimension (``data_connectors.canonical.DIMENSIONS``) it stands for. A label that
is not declared stops the import with a message naming it and the table: update this file
after checking what the new label means.

Measure labels inside a measure group read ``"<group label>: <measure label>"``; both
forms are accepted when the group label is declared here (or comes from the catalogue's
``mgroups`` for the table).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from data_connectors.canonical import TOTAL
from data_connectors.datasets import (
    DATASETS,
    FULLTIME,
    PCT_LABOUR_FORCE,
    PCT_POPULATION,
    PERSONS,
    Dataset,
    Measure,
)

PERIOD_LABELS = ("Periode", "Tid")
AREA_LABELS = ("Område", "Omraade", "Kommune")

# Published totals of a dimension ("Ydelsesgrupper i alt", "Køn i alt", "I alt", "Alle").
_TOTAL_WORDS = ("i alt", "alle")


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

    @property
    def dataset(self) -> Dataset:
        return DATASETS[self.dataset_id]


@dataclass(frozen=True)
class ColumnPlan:
    """Which column of a header is what."""

    dataset_id: str
    period: int
    area: int
    dimensions: tuple[tuple[int, str], ...]  # column index, canonical dimension
    measures: tuple[tuple[int, str, str], ...]  # column index, published label, measure id


def _usual(*extra: Measure) -> dict[str, str]:
    """The usual measures of the ``..a02`` tables, plus v2 spellings."""
    out = {m.label: m.id for m in (PERSONS, FULLTIME, PCT_LABOUR_FORCE, PCT_POPULATION, *extra)}
    out["Fuldtidspersoner i pct. af arbejdsstyrken 16-66 år"] = PCT_LABOUR_FORCE.id  # v2
    out["Fuldtidspersoner i pct. af befolkningen 16-66 år"] = PCT_POPULATION.id  # v2
    out["Fuldtidspersoner i pct. af befolkningen 16-64 år"] = PCT_POPULATION.id  # v2
    return out


# Breakdowns most ``..a02`` tables offer besides the area.
_PERSON_DIMS = {
    "Køn": "sex",
    "Alder": "age_band",
    "Aldersgruppe": "age_band",
    "Herkomst": "origin",
}
_SEX_VALUES = {"Mand": "Mænd", "Kvinde": "Kvinder", "Mænd": "Mænd", "Kvinder": "Kvinder"}


MAPPINGS: dict[str, TableMapping] = {
    m.dataset_id: m
    for m in (
        TableMapping(
            "y25i09",
            group_labels=("Langtidsledige", "Langtidsledighed"),
            measures={FULLTIME.label: FULLTIME.id, PERSONS.label: PERSONS.id},
            dimensions={"Ydelsesgruppe": "benefit_group", "Ydelsesgrupper": "benefit_group"},
            values={
                "benefit_group": {
                    "Selvforsørgelses- og hjemrejseydelse, overgangsydelse": (
                        "Selvforsørgelses- og hjemrejseydelse/overgangsydelse"
                    ),
                }
            },
            hierarchies={"_ygrpi09": "benefit_group"},
        ),
        TableMapping(
            "y35a02",
            group_labels=(
                "Selvforsørgelses- og hjemrejseydelse/overgangsydelse",
                "Selvforsørgelses- og hjemrejseydelse og overgangsydelse",
            ),
            measures=_usual(),
            dimensions=_PERSON_DIMS,
            values={"sex": _SEX_VALUES},
        ),
        TableMapping(
            "y38a02",
            group_labels=("Uddannelseshjælp",),
            measures=_usual(),
            dimensions={
                "Visitationskategori": "match_group",
                "Visitationsgruppe": "match_group",
                "Matchgruppe": "match_group",
                **_PERSON_DIMS,
            },
            values={
                "match_group": {"Åbenlys uddannelsesparat": "Åbenlyst uddannelsesparat"},
                "sex": _SEX_VALUES,
            },
        ),
        TableMapping(
            "y08a02",
            group_labels=("Fleksjob",),
            measures=_usual(),
            dimensions={
                "Timer": "hours_band",
                "Antal timer": "hours_band",
                "Ugentlige timer": "hours_band",
                "Ordning": "scheme",
                "Fleksjobordning": "scheme",
                **_PERSON_DIMS,
            },
            values={"sex": _SEX_VALUES},
        ),
        TableMapping(
            "y09a02",
            group_labels=("Ledighedsydelse",),
            measures=_usual(),
            dimensions=_PERSON_DIMS,
            values={"sex": _SEX_VALUES},
        ),
        TableMapping(
            "y11a02",
            group_labels=("Ressourceforløb",),
            measures=_usual(),
            dimensions=_PERSON_DIMS,
            values={"sex": _SEX_VALUES},
        ),
        TableMapping(
            "y01a02",
            group_labels=("A-dagpenge",),
            measures=_usual(),
            dimensions=_PERSON_DIMS,
            values={"sex": _SEX_VALUES},
        ),
        TableMapping(
            "y30r21",
            group_labels=("Forventet og faktisk antal fuldtidspersoner på offentlig forsørgelse",),
            measures={
                "Forventet antal": "forventet_fuldtidspersoner",
                "Forventet antal fuldtidspersoner": "forventet_fuldtidspersoner",
                "Faktisk antal": "faktisk_fuldtidspersoner",
                "Faktisk antal fuldtidspersoner": "faktisk_fuldtidspersoner",
                "Placering": "placering",
            },
            dimensions={},
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


def detect_dataset(header: Sequence[str]) -> str:
    """The one dataset whose mapping knows every column; MappingError if none or several.

    When no mapping knows every column, the tables knowing the most columns are taken as
    what the file was meant to be, and the first label they do not know is named.
    """
    check_header(header)
    fits: list[str] = []
    misses: list[tuple[int, str, MappingError]] = []
    for ds, m in MAPPINGS.items():
        try:
            plan_columns(header, ds)
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
        raise MappingError(
            f"the columns {cols} fit several tables ({', '.join(fits)}); give --dataset"
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
