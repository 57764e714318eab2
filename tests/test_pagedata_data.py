"""The Data page's builds (``dashboard.pagedata_data``) without Streamlit's AppTest.

On the ``app_env`` store (``tests/test_dashboard_pages.py``): y25i09 holds 4 areas x 24
months of totals plus 3 benefit groups x 12 months for Favrskov = 96 + 36 = 132 rows,
January 2021 to December 2022, retrieved 2023-03-01 08:00 UTC; sanction_reviews 10
rows. Counted to 2023-03-11 15:00 UTC, y25i09 is 10 days and 7 hours old: 10 whole days.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import polars as pl
import pytest

from dashboard import loaders
from dashboard.pagedata_data import (
    DataSelection,
    build,
    check_upload,
    store_upload,
    template_view,
    upload_preview,
)
from data_connectors.readers.errors import ReadError
from data_connectors.store import Store
from tests.builders import monthly
from tests.store_env import store_env_fixture  # noqa: F401  (fixture "store_env")
from tests.test_person_dashboard import _weeks

NOW = datetime(2023, 3, 11, 15, 0, tzinfo=UTC)


def test_what_is_loaded(app_env: Path) -> None:
    page = build(DataSelection(key=loaders.store_key(), now=NOW))
    assert not page.empty and page.demo_datasets == ()
    loaded = {r["Datasæt"]: r for r in page.loaded.iter_rows(named=True)}
    y = loaded["y25i09"]
    assert (y["Rækker"], y["Fra"], y["Til"], y["Alder (dage)"]) == (132, "jan 2021", "dec 2022", 10)
    assert loaded["sanction_reviews"]["Rækker"] == 10
    assert page.catalogue is None  # no API key, no catalogue
    assert page.reconciliations == ()  # no person-level benefit weeks
    assert set(page.import_log["Fil/kilde"]) == {"test-fixture", "test-reviews"}
    times = page.import_log["Tidspunkt"].to_list()
    assert times == sorted(times, reverse=True)  # newest first


def test_the_age_follows_the_selection_not_the_clock(app_env: Path) -> None:
    key = loaders.store_key()
    later = build(DataSelection(key=key, now=NOW + timedelta(days=365)))
    ages = dict(zip(later.loaded["Datasæt"], later.loaded["Alder (dage)"], strict=True))
    assert ages["y25i09"] == 375


def test_an_empty_store(store_env: Store) -> None:
    page = build(DataSelection(key=loaders.store_key(), now=NOW))
    assert page.empty and page.loaded.is_empty() and page.import_log.is_empty()


def test_reconciliation_per_month(store_env: Store) -> None:
    """Six persons unemployed weeks 0-59 (tests/test_person_dashboard.py): 6,0 long-term
    full-time persons in January and February 2022; published 7 and 6: -1 and 0."""
    store_env.import_person("person_benefit_weeks", _weeks(6, 60), origin="w")
    store_env.import_aggregate(
        monthly("y25i09", "fuldtidspersoner", {"2022M01": 7, "2022M02": 6}), origin="y"
    )
    page = build(DataSelection(key=loaders.store_key(), now=NOW))
    (rec,) = page.reconciliations
    assert rec.label == loaders.get_metric("langtidsledige").label
    rows = rec.table.select("Måned", "Offentliggjort", "Persondata", "Forskel").rows()
    assert rows == [("jan 2022", 7.0, 6.0, -1.0), ("feb 2022", 6.0, 6.0, 0.0)]


def test_reconciliation_hides_fewer_than_five_persons(store_env: Store) -> None:
    """Three persons: 3,0 full-time persons a month is about fewer than 5 persons, so
    neither the person figure nor the difference (which would give it away) is shown."""
    store_env.import_person("person_benefit_weeks", _weeks(3, 60), origin="w")
    store_env.import_aggregate(
        monthly("y25i09", "fuldtidspersoner", {"2022M01": 7, "2022M02": 6}), origin="y"
    )
    (rec,) = build(DataSelection(key=loaders.store_key(), now=NOW)).reconciliations
    assert rec.table["Persondata"].null_count() == rec.table.height
    assert rec.table["Forskel"].null_count() == rec.table.height
    assert 3.0 not in rec.table["Persondata"].to_list()


def test_template_view_offers_both_files() -> None:
    t = template_view("sanction_cases")
    assert (t.xlsx_name, t.csv_name) == (
        "jobmaal-skabelon-sanction_cases.xlsx",
        "jobmaal-skabelon-sanction_cases.csv",
    )
    assert t.csv.decode("utf-8-sig").splitlines()[0].split(";")[:3] == [
        "Sags-id",
        "Person-id",
        "Kommune",
    ]
    assert t.xlsx[:2] == b"PK"  # a zip: an xlsx workbook
    cols = dict(zip(t.columns["Kolonne"], t.columns["Skal med"], strict=True))
    assert cols["Beløb"] == "nej" and cols["Sags-id"] == "ja"


CASES = (
    "Sags-id;Person-id;Kommune;Afgørelsesdato;Matchgruppe;Sanktionstype;Beløb\n"
    "K1;PX-1;Favrskov;2022-01-05;Jobparat;Udeblivelse fra tilbud (LAS § 36);500\n"
    "K2;PX-2;Favrskov;2022-01-12;Jobparat;Udeblivelse fra tilbud (LAS § 36);500\n"
    "K3;PX-3;Favrskov;2022-01-19;Aktivitetsparat;Udeblivelse fra tilbud (LAS § 36);500\n"
    "K4;PX-4;Favrskov;2022-02-02;Jobparat;Udeblivelse fra tilbud (LAS § 36);500\n"
    "K5;PX-5;Favrskov;2022-02-09;Jobparat;Udeblivelse fra tilbud (LAS § 36);500\n"
)


def test_upload_preview_counts_rows_per_month_without_ids(store_env: Store) -> None:
    """Five sanction cases, three decided in January 2022 and two in February."""
    local = check_upload("sager.csv", CASES.encode(), None)
    assert local.template_id == "sanction_cases"
    preview = upload_preview(local)
    assert preview.rows == "5"
    assert preview.table.rows() == [("2022-01", 3), ("2022-02", 2)]
    assert "persontabellen sanction_cases" in preview.caption
    shown = f"{preview.table.to_dicts()} {preview.caption} {preview.periods} {preview.areas}"
    assert "PX-" not in shown and "K1" not in shown
    summary = store_upload(local, "sager.csv", CASES.encode())
    assert "sager.csv" in summary
    stored = store_env.inputs()["sanction_cases"].collect()
    assert stored.height == 5 and stored["decision_date"].min() == date(2022, 1, 5)


def test_upload_of_a_crm_extract_previews_the_monthly_counts(store_env: Store) -> None:
    """Three company visits in March 2022 and one in April: two aggregate rows for
    Favrskov, 3 and 1 virksomhedsbesøg."""
    body = (
        "Dato;CVR-nummer;Kontakttype;Team;Kommune;Kampagne\n"
        "2022-03-01;10150817;besøg;Virksomhedsservice;Favrskov;\n"
        "2022-03-15;25313763;besøg;Virksomhedsservice;Favrskov;\n"
        "2022-03-22;10150817;besøg;Virksomhedsservice;Favrskov;\n"
        "2022-04-05;25313763;besøg;Virksomhedsservice;Favrskov;\n"
    )
    preview = upload_preview(check_upload("crm.csv", body.encode(), "crm_virksomhedsservice"))
    visits = preview.table.filter(pl.col("Mål").str.to_lowercase().str.contains("besøg"))
    assert dict(zip(visits["Periode"], visits["Værdi"], strict=True)) == {
        "2022M03": 3.0,
        "2022M04": 1.0,
    }
    assert preview.areas == "Favrskov" and preview.rows == "4"


def test_a_bad_upload_names_row_and_column(store_env: Store) -> None:
    bad = CASES.replace("2022-02-09", "9. februar")
    with pytest.raises(ReadError) as exc:
        check_upload("sager.csv", bad.encode(), "sanction_cases")
    assert exc.value.row == 6 and exc.value.column == "Afgørelsesdato"
    assert "sanction_cases" not in store_env.inputs()  # nothing stored
