"""CRM company contacts -> crm_virksomhedsservice (target 1). Counts worked out by hand."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from data_connectors.local import read_local, store_local
from data_connectors.local.parse import cvr_valid
from data_connectors.readers.errors import ReadError
from data_connectors.store import Store
from metrics import api

# Valid CVR numbers, checked by hand with the weights 2,7,6,5,4,3,2,1:
# 10150817: 1*2+0*7+1*6+5*5+0*4+8*3+1*2+7*1 = 2+0+6+25+0+24+2+7 = 66 = 6 * 11.
# 25313763: 2*2+5*7+3*6+1*5+3*4+7*3+6*2+3*1 = 4+35+18+5+12+21+12+3 = 110 = 10 * 11.
CVR_A = "10150817"
CVR_B = "25313763"
PLAN_1 = """
municipality_code = "710"
municipality_name = "Favrskov"
year = 2022
title = "Test"
[[targets]]
id = "1a"
label = "Besøg"
metric_id = "virksomhedsbesoeg"
kind = "min"
target = 75
unit = "antal"
wording = "75 besøg."
[[targets]]
id = "1b"
label = "Kampagner"
metric_id = "virksomhedskampagner"
kind = "min"
target = 1
unit = "antal"
wording = "1-2 kampagner."
"""
HEADER = "Dato;CVR-nummer;Kontakttype;Team;Kommune;Kampagne\n"


def write(tmp_path: Path, body: str, name: str = "crm.csv") -> Path:
    p = tmp_path / name
    p.write_text(HEADER + body, encoding="utf-8")
    return p


def test_cvr_modulus_11_by_hand() -> None:
    assert cvr_valid(CVR_A) and cvr_valid(CVR_B)
    assert not cvr_valid("10150818")  # last digit changed: 67, not a multiple of 11
    assert not cvr_valid("1015081")


def test_contacts_counted_per_month_with_zeros(tmp_path: Path) -> None:
    body = (
        f"2022-01-10;{CVR_A};besøg;Team Nord;Favrskov;\n"
        f"15-01-2022;{CVR_B};Besøg;Team Syd;710;\n"
        f"2022-03-22;{CVR_B};kampagne;Team Nord;Favrskov;Byggeri\n"
        f"2022-04-02;{CVR_A};kampagne;Team Nord;Favrskov;byggeri\n"  # same campaign
        f"2022-04-20;{CVR_A};kampagne;Team Syd;Favrskov;\n"  # unnamed: one per date
        f"2022-03-05;{CVR_B};telefon;;Favrskov;\n"
        f"2022-03-06;{CVR_B};mail;Team Syd;Favrskov;\n"
    )
    data = read_local(write(tmp_path, body))
    assert data.template_id == "crm_virksomhedsservice"
    assert data.periods == ("2022M01", "2022M02", "2022M03", "2022M04")
    assert data.areas == ("Favrskov",)
    got = {(p, m): v for p, m, v in data.df.select("period", "measure_id", "value").iter_rows()}
    # Jan: 2 visits; Feb: nothing (zeros replace older figures); Mar: the campaign
    # "Byggeri" starts, 2 other contacts; Apr: the unnamed campaign of 20 April.
    assert got == {
        ("2022M01", "virksomhedsbesoeg"): 2, ("2022M01", "kampagner"): 0,
        ("2022M01", "oevrige_kontakter"): 0,
        ("2022M02", "virksomhedsbesoeg"): 0, ("2022M02", "kampagner"): 0,
        ("2022M02", "oevrige_kontakter"): 0,
        ("2022M03", "virksomhedsbesoeg"): 0, ("2022M03", "kampagner"): 1,
        ("2022M03", "oevrige_kontakter"): 2,
        ("2022M04", "virksomhedsbesoeg"): 0, ("2022M04", "kampagner"): 1,
        ("2022M04", "oevrige_kontakter"): 0,
    }  # fmt: skip
    assert "cvr" not in data.df.columns


def test_full_year_meets_the_plans_75_visits(tmp_path: Path, store: Store) -> None:
    # 6 visits in each of Jan-Mar and 7 in each of Apr-Dec: 18 + 63 = 81 >= 75, and one
    # campaign in October: target 1b (at least 1) is met too.
    lines = []
    for m in range(1, 13):
        for d in range(1, (6 if m <= 3 else 7) + 1):
            lines.append(f"2022-{m:02d}-{d:02d};{CVR_A};besøg;VS;Favrskov;")
    lines.append(f"2022-10-04;{CVR_B};kampagne;VS;Favrskov;Jobmesse")
    p = write(tmp_path, "\n".join(lines) + "\n")
    data = read_local(p)
    store_local(store, [(data, str(p), None)])
    ins = store.inputs()
    visits = api.kpi_series(ins, "virksomhedsbesoeg", area_codes=["710"])
    assert visits["value"].sum() == 81
    plan = api.parse_plan(PLAN_1)
    ev = api.evaluate_plan(ins, plan)
    assert dict(zip(ev["id"], ev["value"], strict=True)) == {"1a": 81.0, "1b": 1.0}
    assert set(ev["status"]) == {"nået"}


@pytest.mark.parametrize(
    ("cell", "problem"),
    [
        ("1015081", "expected a CVR number of 8 digits, got '1015081'"),
        ("10150818", "10150818 is not a valid CVR number (the modulus-11 check fails)"),
        ("", "empty value, expected a CVR number of 8 digits"),
    ],
)
def test_bad_cvr_names_file_row_and_column(tmp_path: Path, cell: str, problem: str) -> None:
    p = write(tmp_path, f"2022-01-10;{CVR_A};besøg;VS;Favrskov;\n2022-01-11;{cell};besøg;VS;710;\n")
    with pytest.raises(ReadError) as e:
        read_local(p)
    assert str(e.value) == f"{p}: row 3, column 'CVR-nummer': {problem}"


def test_bad_date_municipality_and_missing_column(tmp_path: Path) -> None:
    p = write(tmp_path, f"2022-13-10;{CVR_A};besøg;VS;Favrskov;\n")
    with pytest.raises(ReadError, match=r"row 2, column 'Dato': expected a date"):
        read_local(p)
    p = write(tmp_path, f"2022-01-10;{CVR_A};besøg;VS;Region Midtjylland;\n")
    with pytest.raises(ReadError, match=r"row 2, column 'Kommune': .* is not a municipality"):
        read_local(p)
    p = tmp_path / "nocvr.csv"
    p.write_text("Dato;Kontakttype;Team;Kommune\n2022-01-10;besøg;VS;710\n", encoding="utf-8")
    with pytest.raises(ReadError) as e:
        read_local(p, "crm_virksomhedsservice")
    assert e.value.row == 1 and e.value.column == "CVR-nummer"
    assert "missing column 'CVR-nummer'" in str(e.value)


def test_cpr_number_anywhere_is_refused_without_echo(tmp_path: Path) -> None:
    cpr = "010190-1234"
    p = write(tmp_path, f"2022-01-10;{CVR_A};besøg;{cpr};Favrskov;\n")
    with pytest.raises(ReadError) as e:
        read_local(p)
    msg = str(e.value)
    assert e.value.row == 2 and e.value.column == "Team"
    assert "looks like a CPR number" in msg
    assert cpr not in msg and "0101901234" not in msg
    assert "1234" not in msg.removeprefix(str(p))


def test_stored_months_replace_older_counts(tmp_path: Path, store: Store) -> None:
    first = write(tmp_path, f"2022-02-10;{CVR_A};besøg;VS;Favrskov;\n", "a.csv")
    store_local(store, [(read_local(first), "a.csv", None)])
    # A corrected extract for February without the visit: February becomes 0.
    second = write(tmp_path, f"2022-02-11;{CVR_A};mail;VS;Favrskov;\n", "b.csv")
    store_local(store, [(read_local(second), "b.csv", None)])
    df = store.scan("crm_virksomhedsservice").collect()
    got = dict(df.select("measure_id", "value").iter_rows())
    assert got == {"virksomhedsbesoeg": 0.0, "kampagner": 0.0, "oevrige_kontakter": 1.0}
    assert df.filter(pl.col("period") != "2022M02").is_empty()
