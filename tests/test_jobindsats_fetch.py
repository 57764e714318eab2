"""Selections, request splitting and the fetch config."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from data_connectors.jobindsats.client import TableMeta, parse_table_meta
from data_connectors.jobindsats.fetch import (
    Selection,
    SelectionError,
    build_requests,
    fetch_table,
    load_config,
    resolve_periods,
)
from data_connectors.jobindsats.mappings import (
    MAPPINGS,
    MappingError,
    detect_dataset,
    mapping,
    plan_columns,
    resolve_dataset,
    table_id_in,
)
from data_connectors.readers import ReadError
from tests.test_jobindsats_client import META, MONTHS, FakeApi, jresp, make_client

EXAMPLE = Path(__file__).parent.parent / "config" / "fetch.example.toml"


def meta() -> TableMeta:
    return parse_table_meta("y25i09", META)


def test_resolve_periods() -> None:
    m = meta()
    assert resolve_periods(m, "latest:3", "y25i09") == ("M", ["2026M02", "2026M03", "2026M04"])
    assert resolve_periods(m, "M=latest:1", "y25i09") == ("M", ["2026M04"])
    assert resolve_periods(m, "all", "y25i09") == ("M", MONTHS)
    assert resolve_periods(m, "2025M12, 2026M01", "y25i09") == ("M", ["2025M12", "2026M01"])
    with pytest.raises(SelectionError, match="period 2024M01 is not published"):
        resolve_periods(m, "2024M01", "y25i09")
    with pytest.raises(SelectionError, match="has no QMAT periods"):
        resolve_periods(m, "QMAT=latest:4", "y25i09")
    with pytest.raises(SelectionError, match="expected latest:N"):
        resolve_periods(m, "latest:x", "y25i09")


def test_requests_are_split_by_period_under_the_cell_cap() -> None:
    """Cells are counted from what is asked: per period the municipalities' request has
    2 municipalities x 3 benefit groups ('*') x 1 x 1 x 1 x 1 (Køn, Alder, Herkomst,
    A-kasse at '/') x 4 measures = 24 cells, so a cap of 96 takes 4 months a request; the
    country's has 1 x 3 x 4 = 12 cells, 8 months a request."""
    plans = build_requests(meta(), Selection("y25i09", periods="latest:10"), max_cells=96)
    assert [p.ptype for p in plans] == ["M", "M"]
    assert [p.cells_per_period for p in plans] == [24, 12]
    assert plans[0].chunks == [MONTHS[6:10], MONTHS[10:14], MONTHS[14:16]]
    assert plans[1].chunks == [MONTHS[6:14], MONTHS[14:16]]
    assert plans[0].fixed == {
        "hierarchy._nykom": "*",
        "hierarchy._ygrpi09": "*",
        "hierarchy._kon": "/",
        "hierarchy._aldera": "/",
        "hierarchy._oprinda": "/",
        "hierarchy._akassebl": "/",
        "mgroup.*": "*",
    }
    assert plans[1].fixed["hierarchy._nykom"] == "/"  # the country: one hierarchy a request


def test_a_breakdown_asked_in_the_config_multiplies_the_cells() -> None:
    sel = Selection("y25i09", periods="latest:1", areas=("*",), hierarchies={"_kon": "*"})
    (plan,) = build_requests(meta(), sel)
    assert plan.fixed["hierarchy._kon"] == "*"
    assert plan.cells_per_period == 2 * 3 * 3 * 4  # municipalities x groups x Køn x measures
    with pytest.raises(SelectionError, match="has no hierarchy _kommune"):
        build_requests(meta(), Selection("y25i09", hierarchies={"_kommune": "*"}))


COUNTRY_VALUE = {"value_id": "/", "value_name": "Hele landet"}


def test_country_from_hele_landet_only_where_the_metadata_lists_it() -> None:
    no_nykom = {
        **META,
        "dimensions": [
            {
                "dimension_id": "_omrade",
                "hierarchies": [
                    {
                        "hierarchy_id": "_hele_landet",
                        "levels": [{"level_id": "l", "values": [COUNTRY_VALUE]}],
                    }
                ],
            }
        ],
    }  # fmt: skip
    m = parse_table_meta("y25i09", no_nykom)
    (plan,) = build_requests(m, Selection("y25i09", areas=("Hele landet",)))
    assert plan.fixed == {"hierarchy._hele_landet": "/", "mgroup.*": "*"}
    with pytest.raises(SelectionError, match="has no _nykom hierarchy"):
        build_requests(m, Selection("y25i09", areas=("*",)))
    bare = parse_table_meta("y25i09", {**META, "dimensions": []})
    with pytest.raises(SelectionError, match="neither _nykom nor _hele_landet"):
        build_requests(bare, Selection("y25i09", areas=("Hele landet",)))


def test_named_areas_use_the_hierarchy_value_ids() -> None:
    plans = build_requests(meta(), Selection("y25i09", areas=("Favrskov", "Aarhus Kommune")))
    assert [p.fixed["hierarchy._nykom"] for p in plans] == ["/710/,/751/"]
    assert "hierarchy._hele_landet" not in plans[0].fixed
    with pytest.raises(SelectionError, match="'Odder' is not in the table's _nykom list"):
        build_requests(meta(), Selection("y25i09", areas=("Odder",)))


def test_fetch_in_chunks_and_halve_when_the_api_says_too_large(tmp_path: Path) -> None:
    api = FakeApi()
    api.push(
        "/data/y25i09",
        lambda r: jresp(422, {"code": 422, "cause": "Too many cells requested"}),
    )
    with make_client(api, tmp_path) as client:
        res = fetch_table(client, Selection("y25i09", periods="latest:4"), max_cells=10_000)
    data_calls = [r.url.params["period.M"] for r in api.requests if "/data/" in r.url.path]
    assert data_calls == [
        "2026M01,2026M02,2026M03,2026M04",  # refused as too large
        "2026M01,2026M02",
        "2026M03,2026M04",
        "2026M01,2026M02,2026M03,2026M04",  # the country's request
    ]
    assert res.requests == 3
    assert sorted(res.converted.df["period"].unique()) == MONTHS[-4:]


def test_mapping_accepts_both_label_forms_and_names_unknown_ones() -> None:
    m = mapping("y25i09")
    assert m.measure_id("Antal langtidsledige fuldtidspersoner") == "fuldtidspersoner"
    assert m.measure_id(" Antal  langtidsledige personer ") == "personer"
    assert (
        m.measure_id("Ny gruppe: Antal langtidsledige personer", extra_groups=["Ny gruppe"])
        == "personer"
    )
    with pytest.raises(MappingError, match="'Ukendt gruppe: Antal langtidsledige personer'"):
        m.measure_id("Ukendt gruppe: Antal langtidsledige personer")
    with pytest.raises(MappingError, match="'Antal fuldtidspersoner' for table y25i09"):
        m.measure_id("Antal fuldtidspersoner")  # an ..a02 label is not y25i09's
    assert mapping("y35a02").measure_id("Fuldtidspersoner i pct. af arbejdsstyrken 16-66 år") == (
        "pct_arbejdsstyrken"
    )
    b = mapping("y30r21")
    group = "Forventet og faktisk andel fuldtidspersoner på offentlig forsørgelse"
    assert b.measure_id(f"{group}: Forskel mellem forventet og faktisk andel (pct. point)") == (
        "forskel_andel"
    )


def test_every_mapping_targets_declared_measure_ids() -> None:
    for ds_id, m in MAPPINGS.items():
        declared = {mm.id for mm in m.dataset.measures} | {"pct_arbejdsstyrken", "pct_befolkningen"}
        assert set(m.measures.values()) <= declared, ds_id


def test_detection_takes_a_table_only_when_exactly_one_fits() -> None:
    a02 = ["Antal personer", "Antal fuldtidspersoner"]
    ltu = ["Ydelsesgrupper", "A-kasse", "Antal langtidsledige personer"]
    assert detect_dataset(["Periode", "Område", *ltu]) == "y25i09"
    assert detect_dataset(["Periode", "Område", "Ydelsesgrupper", "Antal ledige personer"]) == (
        "y25i01"
    )
    kh = ["Visitationskategori", "Kontanthjælpssats"]
    assert detect_dataset(["Periode", "Område", *kh, *a02]) == "y60a02"
    # Visitationskategori alone fits uddannelseshjælp and kontanthjælp: never guessed
    with pytest.raises(MappingError, match=r"fit 2 tables: y38a02 .*, y60a02 .*does not guess"):
        detect_dataset(["Periode", "Område", "Visitationskategori", *a02])
    with pytest.raises(MappingError, match="fit 7 tables"):
        detect_dataset(["Periode", "Område", *a02])
    plan = plan_columns(["Område", "Periode", "Ledighedsydelse: Antal personer"], "y09a02")
    assert (plan.period, plan.area, plan.measures) == (
        1,
        0,
        ((2, plan.measures[0][1], "personer"),),
    )


def test_the_table_id_the_file_names_decides() -> None:
    header = ["Periode", "Område", "Visitationskategori", "Antal personer"]
    assert resolve_dataset(header, hints=[("the file name", "y60a02")]) == "y60a02"
    assert resolve_dataset(header, given="y38a02", hints=[("the file name", "y60a02")]) == (
        "y38a02"
    )
    with pytest.raises(
        MappingError, match="the file name says y38a02; the saved request says y60a02"
    ):
        resolve_dataset(
            header, hints=[("the file name", "y38a02"), ("the saved request", "y60a02")]
        )
    with pytest.raises(MappingError, match="names table y99a02, which jobmaal has no mapping"):
        resolve_dataset(header, hints=[("the file name", "y99a02")])
    assert table_id_in("Y25I09_favrskov_2026.json") == "y25i09"
    assert table_id_in("GET /data/y60a02?period.M=latest:3") == "y60a02"
    assert table_id_in("udtraek-2025.csv") is None


def test_example_config_loads() -> None:
    sels = load_config(EXAMPLE)
    ids = [s.table_id for s in sels]
    assert ids == [
        "y25i09", "y38a02", "y60a02", "y25i01", "y01a02", "y35a02", "y08a02", "y09a02",
        "y11a02", "y30r21",
    ]  # fmt: skip
    assert sels[0].periods == "latest:36" and sels[0].areas == ("*", "Hele landet")
    assert sels[-1].periods == "QMAT=latest:8"


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("[[table]]\nid = 'y99z99'\n", "no jobindsats mapping for dataset 'y99z99'"),
        ("[[table]]\nperiods = 'latest:2'\n", "has no id"),
        ("[[table]]\nid = 'y25i09'\nperiode = 'x'\n", "unknown key(s) periode"),
        ("title = 'x'\n", "no [[table]] entries"),
        ("[[table]\n", "not valid TOML"),
    ],
)
def test_bad_config(tmp_path: Path, text: str, fragment: str) -> None:
    p = tmp_path / "fetch.toml"
    p.write_text(text)
    with pytest.raises(SelectionError) as info:
        load_config(p)
    assert fragment in str(info.value)


def test_data_for_a_table_without_mapping_is_refused_before_any_request(tmp_path: Path) -> None:
    api = FakeApi()
    with make_client(api, tmp_path) as client, pytest.raises(MappingError):
        fetch_table(client, Selection("y99z99"))
    assert api.requests == []


def test_transport_is_only_the_mock(tmp_path: Path) -> None:
    # Sanity: an unrouted path answers 404 with a cause instead of touching the network.
    api = FakeApi()
    with make_client(api, tmp_path) as client, pytest.raises(Exception, match="Unknown table"):
        client.get("/table/y00x00")
    assert isinstance(api.requests[0], httpx.Request)


def test_rows_are_numbered_across_split_responses(tmp_path: Path) -> None:
    api = FakeApi()
    two = ("Favrskov", "Aarhus")
    with make_client(api, tmp_path) as client:
        ok = fetch_table(client, Selection("y25i09", periods="latest:2", areas=two), max_cells=24)
    assert ok.requests == 2  # 2 municipalities x 3 groups x 4 measures = 24 cells a month
    # the second response's second row is bad
    bad_body = {
        "columns": ["Periode", "Område", "Ydelsesgrupper", "Antal langtidsledige personer"],
        "rows": [
            ["2026M04", "Favrskov", "A-dagpenge", 3],
            ["2026M04", "Aarhus", "A-dagpenge", -1],
        ],
    }
    good_body = {"columns": bad_body["columns"], "rows": [["2026M03", "Favrskov", "A-dagpenge", 2]]}
    api.push("/data/y25i09", lambda r: jresp(200, good_body), lambda r: jresp(200, bad_body))
    with make_client(api, tmp_path) as client, pytest.raises(ReadError) as info:
        fetch_table(client, Selection("y25i09", periods="latest:2", areas=two), max_cells=24)
    assert (info.value.row, info.value.column) == (3, "Antal langtidsledige personer")
