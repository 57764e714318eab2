"""National reference tables (DOMAIN.md: Ankestyrelsen's studies, STAR's focus audits)."""

from __future__ import annotations

import polars as pl

from metrics import api


def test_casework_reference_holds_stars_focus_audit_rates() -> None:
    ref = api.national_casework_reference()
    assert ref.columns == ["area", "indicator", "share", "n", "source", "note"]
    assert ref.schema["share"] == pl.Float64 and ref.schema["n"] == pl.Int64
    rf = ref.filter(pl.col("area") == "Ressourceforløb")
    # DOMAIN.md: 59 % (n = 313) follow-up conversations; perspective 98/81/37 %;
    # competence CV 18 %; date for next follow-up 25 %.
    assert sorted(rf["share"].to_list()) == [18.0, 25.0, 37.0, 59.0, 81.0, 98.0]
    assert rf["n"].to_list() == [313] * 6
    follow_up = rf.filter(pl.col("indicator").str.contains("opfølgningssamtaler"))
    assert follow_up.select("share", "n").row(0) == (59.0, 313)
    fj = ref.filter(pl.col("area") == "Fleksjob og ledighedsydelse")
    revurdering = fj.filter(pl.col("indicator").str.contains("revurdering"))
    assert revurdering["share"].to_list() == [65.0]
    assert fj["n"].null_count() == fj.height
    # Word-only findings: "only half" -> 50.0, "about one in three" -> 33.3, and the
    # note says the figure is a reading of the words.
    cv = fj.filter(pl.col("indicator").str.contains("CV på Jobnet")).row(0, named=True)
    assert cv["share"] == 50.0 and "aflæsning" in cv["note"]
    hours = fj.filter(pl.col("indicator").str.starts_with("Fokus på progression"))
    assert hours["share"].to_list() == [33.3] and "aflæsning" in hours["note"][0]
    assert ref["source"].str.starts_with("STAR fokusaudit").all()
