"""The local templates end to end: templates written by code, the CLI import, and the
Favrskov 2022 plan filled from files alone (no demo data)."""

from __future__ import annotations

import json
from pathlib import Path

import fastexcel
import pytest
from click.testing import CliRunner

from cli.local_imports import import_local, template_cmd
from cli.main import cli
from data_connectors.local import TEMPLATES, detect_template, read_local
from data_connectors.local.templates import template_csv, template_xlsx
from data_connectors.readers.errors import ReadError
from data_connectors.store import Store
from metrics import api
from metrics.kpis import compute_raw
from tests.test_local_flexjob import PERSONS, flex_file
from tests.test_local_origin import table5_rows

PLAN = Path(__file__).resolve().parent.parent / "targets" / "710-2022.toml"


@pytest.mark.parametrize("template_id", sorted(TEMPLATES))
def test_every_template_reads_back(tmp_path: Path, template_id: str) -> None:
    t = TEMPLATES[template_id]
    x = tmp_path / "t.xlsx"
    x.write_bytes(template_xlsx(t))
    sheets = fastexcel.read_excel(x).sheet_names
    assert sheets == ["Data", "Kolonner"]
    help_sheet = fastexcel.read_excel(x).load_sheet(1, header_row=None).to_polars()
    explained = set(help_sheet.to_series(0).drop_nulls().to_list())
    assert {c.label for c in t.columns} <= explained
    c = tmp_path / "t.csv"
    c.write_bytes(template_csv(t))
    assert c.read_bytes().startswith(b"\xef\xbb\xbf")
    for path in (x, c):
        assert detect_template(path) == template_id
        data = read_local(path)  # the example rows are valid
        assert data.template_id == template_id and data.rows_read == len(t.example_rows())


def test_template_command_writes_excel_and_csv(tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "crm.xlsx"
    r = runner.invoke(template_cmd, ["crm_virksomhedsservice", "-o", str(out)])
    assert r.exit_code == 0, r.output
    assert out.read_bytes()[:2] == b"PK"
    r = runner.invoke(template_cmd, ["sanction_reviews", "--csv", "-o", str(tmp_path / "g.csv")])
    assert r.exit_code == 0 and (tmp_path / "g.csv").read_text("utf-8-sig").startswith("Sags-id;")
    listing = runner.invoke(template_cmd, [])
    assert all(t in listing.output for t in TEMPLATES)


def test_a_bad_file_stores_nothing(tmp_path: Path, store: Store) -> None:
    good = tmp_path / "good.csv"
    good.write_text("Dato;CVR-nummer;Kontakttype;Team;Kommune\n2022-01-10;10150817;besøg;VS;710\n")
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "Person-id;Måned;Kommune;Køn;Fødselsår;Status;Vej\nR1;2021M01;710;Kvinde;1990;Ydelse;Job\n"
    )
    with pytest.raises(ReadError, match=r"bad.csv: row 2, column 'Vej'"):
        import_local([good, bad], None, store=store)
    assert store.is_empty()
    assert store.import_log().is_empty()


def test_unknown_columns_are_not_a_local_template(tmp_path: Path) -> None:
    p = tmp_path / "y25i09.csv"
    p.write_text("Periode;Område;Ydelsesgrupper;Antal langtidsledige fuldtidspersoner\n")
    assert detect_template(p) is None
    with pytest.raises(ReadError, match="fit no template"):
        read_local(p)


def _write(tmp_path: Path, name: str, text: str) -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def favrskov_files(tmp_path: Path) -> list[Path]:
    """Files in the templates for targets 1, 3, 4 and 6 and the reviews (hand-made)."""
    crm = ["Dato;CVR-nummer;Kontakttype;Team;Kommune;Kampagne"]
    for m in range(1, 13):  # 7 visits a month = 84; two campaigns (March and October)
        crm += [f"2022-{m:02d}-{d:02d};10150817;besøg;VS;Favrskov;" for d in range(1, 8)]
    crm += [
        "2022-03-15;25313763;kampagne;VS;Favrskov;A",
        "2022-10-15;25313763;kampagne;VS;Favrskov;B",
    ]
    files = [_write(tmp_path, "crm.csv", "\n".join(crm) + "\n")]
    # Target 3: table 5 plus December 2022: 40 Eastern Europeans of 800 = 5.0 %.
    origin = ["Periode;Område;Oprindelsesland;Antal fuldtidspersoner"]
    origin += [";".join(r) for r in table5_rows()]
    origin += [
        "2022M12;Favrskov;Polen;40",
        "2022M12;Favrskov;Danmark;750",
        "2022M12;Favrskov;Uoplyst;10",
    ]
    files.append(_write(tmp_path, "oprindelse.csv", "\n".join(origin) + "\n"))
    # Target 4: 20 refugees on support in Dec 2021 who are self-supporting all of 2022
    # (10 women in jobs, 10 men in education): 20 reach lasting self-support in June,
    # half of them women; each counts once.
    ref = ["Person-id;Måned;Kommune;Køn;Fødselsår;Status;Vej"]
    for i in range(20):
        sex, route = ("Kvinde", "Job") if i < 10 else ("Mand", "Uddannelse")
        ref.append(f"R{i};2021M12;710;{sex};1990;Ydelse;")
        ref += [f"R{i};2022M{m:02d};710;{sex};1990;Selvforsørgende;{route}" for m in range(1, 13)]
    files.append(_write(tmp_path, "flygtninge.csv", "\n".join(ref) + "\n"))
    # Flexjob: every person of test_local_flexjob five times over (F1-0 ... F1-4), so that
    # no figure is about fewer than 5 persons. June 2021 is the baseline month.
    five = {f"{pid}-{k}": v for pid, v in PERSONS.items() for k in range(5)}
    files.append(flex_file(tmp_path, five))
    # Jul 2021-Jun 2022: everyone keeps June 2021's hours except F2 (4 -> 5 from January),
    # F4 (10 -> 7) and F8 (7 -> 11); F12 starts in July 2021 on 7 hours, 9 from January.
    later = [f"2021M{m:02d}" for m in range(7, 13)] + [f"2022M{m:02d}" for m in range(1, 7)]
    changed = {"F2": 5.0, "F4": 7.0, "F8": 11.0}
    flex = ["Person-id;Måned;Kommune;Startdato;Ordning;Effektive timer pr. uge;Timer ved start"]
    for pid, (start, scheme, at_start, hours) in five.items():
        for m in later:
            h = changed.get(pid[:-2], hours[-1]) if m >= "2022" else hours[-1]
            cell = "" if h is None else f"{h:g}"
            flex.append(f"{pid};{m};710;{start};{scheme};{cell};{at_start}")
    flex += [
        f"F12-{k};{m};710;2021-07-01;Ny;{9 if m >= '2022' else 7};" for k in range(5) for m in later
    ]
    files.append(_write(tmp_path, "fleks-2022.csv", "\n".join(flex) + "\n"))
    rev = [
        "Sags-id;Kommune;Gennemgangsdato;Gennemgået af;Matchgruppe;Sanktionstype;"
        + ";".join(f"Punkt {k}" for k in range(1, 9)) + ";Udfald"
    ]  # fmt: skip
    for i in range(10):  # 3 of 10 sent back
        outcome, p8 = ("Hjemvist", "Nej") if i < 3 else ("Stadfæstet", "Ja")
        rev.append(f"S{i};710;2022-05-0{i % 9 + 1};Team;Aktivitetsparat;Skærpet;"
                   f"Ja;Ja;Ja;Ja;Ja;Ja;Ja;{p8};{outcome}")  # fmt: skip
    files.append(_write(tmp_path, "gennemgang.xlsx.csv", "\n".join(rev) + "\n"))
    return files


def test_favrskov_plan_filled_from_files_alone(tmp_path: Path, store: Store) -> None:
    """Targets 1, 3, 4 and 6 of targets/710-2022.toml and the Ledelsestilsyn reviews from
    files in the templates, into an empty store (targets 2 and 5 are jobindsats tables)."""
    done = import_local(favrskov_files(tmp_path), None, store=store)
    assert [d.template_id for d, _r in done] == [
        "crm_virksomhedsservice", "fasit_forsikrede_oprindelse", "person_refugee_months",
        "person_flexjob_months", "person_flexjob_months", "sanction_reviews",
    ]  # fmt: skip
    ins = store.inputs()
    ev = api.evaluate_plan(ins, api.parse_plan(PLAN.read_text(encoding="utf-8")))
    got = {r["id"]: (r["status"], r["value"]) for r in ev.iter_rows(named=True)}
    assert got["1a"] == ("nået", 84.0)
    assert got["1b"] == ("nået", 2.0)
    assert got["3"] == ("nået", pytest.approx(5.0))  # 40 / 800, at most 5 %
    assert got["4a"] == ("nået", 20.0)  # at least 16
    assert got["4b"] == ("nået", 50.0)  # 10 of 20 women
    # Target 6, June 2022 against June 2021 (the numbers under each share, by hand):
    # 1-5 hours at start: up F1 (3 -> 5), F2 (4 -> 5), F5 (2 -> 3); down F3; unchanged F11
    # (now six registered months): 3 of 5 = 60 % against 1 of 3 in 2021: increased.
    # 6-10 at start: up F7 (6 -> 12) and F12 (7 -> 9), down F4 (8 -> 7): 2 of 3 against
    # 2 of 2 in 2021: not increased. Above 10 hours in June 2022: F7, F8, F10 of the 11
    # new-scheme persons (F1-F5, F7-F12) = 27.3 % against 2 of 10 = 20 %: increased.
    # Each count five times over.
    # (Raw counts: the pages suppress figures about fewer than 5 persons.)
    raw = compute_raw(ins, "fleksjob_andel_op", breakdown="hours_band")
    assert {(r["period"], r["group"]): (r["numerator"], r["denominator"])
            for r in raw.iter_rows(named=True)} == {
        ("2021M06", "1-5 timer"): (5, 15), ("2021M06", "6-10 timer"): (10, 10),
        ("2022M06", "1-5 timer"): (15, 25), ("2022M06", "6-10 timer"): (10, 15),
    }  # fmt: skip
    over = compute_raw(ins, "fleksjob_andel_over_10_timer")
    got_over = {r["period"]: (r["numerator"], r["denominator"]) for r in over.iter_rows(named=True)}
    assert got_over == {"2021M06": (10, 50), "2022M06": (15, 55)}
    # June is the year's figure; the year is judged complete only with December's data,
    # so the statuses say on track / at risk.
    assert got["6a"] == ("på rette vej", pytest.approx(60.0))
    assert got["6b"] == ("i risiko", pytest.approx(100 * 10 / 15))
    assert got["6c"] == ("på rette vej", pytest.approx(100 * 15 / 55))
    assert {got[t][0] for t in ("2", "5")} == {"ingen data"}  # jobindsats: not loaded
    # the reviews as imported (the review form's view: small counts)
    q = api.sanction_quality(ins, municipality="710", suppress=False).row(0, named=True)
    assert (q["n"], q["errors"]) == (10, 3)
    # the page's view: 3 errors are about fewer than 5 cases
    assert api.sanction_quality(ins, municipality="710")["suppressed"].to_list() == [True]
    # Identifiers never leave the person tables: no id in any evaluation cell.
    text = str(ev.to_dicts())
    assert not any(x in text for x in ("R1", "F1-", "S1", "10150817"))


def test_every_favrskov_target_from_files_through_jobmaal_import(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With no demo store, `jobmaal import` (templates detected from their columns, then
    real-shaped jobindsats files) fills every target of targets/710-2022.toml.

    Target 2 from the y25i09 fixture (2022 mean 1382 / 12 = 115,2 <= 117). Target 5 from a
    y38a02 extract made here: 227 every month of Aug 2020-Jul 2021 (baseline 227) and 210
    every month of 2022 (mean 210 <= 216).
    """
    monkeypatch.setenv("JOBMAAL_DATA_DIR", str(tmp_path / "data"))
    runner = CliRunner()
    r = runner.invoke(cli, ["import", *map(str, favrskov_files(tmp_path))])
    assert r.exit_code == 0, r.output
    udh = ["Periode;Område;Visitationskategori;Antal personer;Antal fuldtidspersoner"]
    for y, m in [(2020, m) for m in range(8, 13)] + [(2021, m) for m in range(1, 13)]:
        udh.append(f"{y}M{m:02d};Favrskov;Visitationskategori i alt;250;227")
    udh += [f"2022M{m:02d};Favrskov;Visitationskategori i alt;230;210" for m in range(1, 13)]
    y38 = _write(tmp_path, "y38a02-favrskov.csv", "\n".join(udh) + "\n")
    y25 = Path(__file__).parent / "fixtures" / "jobindsats" / "y25i09_favrskov_2020-2022.json"
    r = runner.invoke(cli, ["import", str(y25), str(y38)])
    assert r.exit_code == 0, r.output
    r = runner.invoke(cli, ["targets", "-m", "710", "-y", "2022", "--json"])
    assert r.exit_code == 0, r.output
    got = {t["id"]: t for t in json.loads(r.stdout)}
    assert set(got) == {"1a", "1b", "2", "3", "4a", "4b", "5", "6a", "6b", "6c"}
    assert all(t["status"] != "ingen data" for t in got.values()), {
        k: t["status"] for k, t in got.items()
    }
    assert got["2"]["value"] == pytest.approx(1382 / 12) and got["2"]["status"] == "nået"
    assert got["5"]["value"] == pytest.approx(210.0) and got["5"]["baseline"] == 227.0
    assert got["1a"]["value"] == 84.0
