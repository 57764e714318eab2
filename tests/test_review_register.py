"""The review register on SQLite and on PostgreSQL (``tests/review_db.py``): migrations
from an empty database, rounds with their stored draw, assignment, the review form's round
trip, optimistic locking, corrective actions, soft deletion and the append-only audit log.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
import pytest
from sqlalchemy import inspect, text
from sqlalchemy.exc import DBAPIError

from data_connectors.review import ConflictError, ReviewDB, ReviewDBError, ReviewError
from data_connectors.review import repository as repo
from data_connectors.review.models import Base
from data_connectors.settings import Settings, review_database_url
from domain.review import POINTS, SAMPLE_COLUMNS, RoundSpec
from tests.review_db import (  # noqa: F401  (fixtures)
    PostgresServer,
    empty_review_db_fixture,
    postgres_server_fixture,
    review_db_fixture,
)

SPEC = RoundSpec(
    name="1. kvartal 2022",
    municipality_code="710",
    period_start=date(2022, 1, 1),
    period_end=date(2022, 3, 31),
    sample_size=3,
    seed=42,
    sanction_types=("Skærpet rådighedssanktion",),
)
ALL_YES_JOBPARAT = {"p1": "ja", "p2": "ja", "p3": "ja", "p4": "ja", "p8": "ja"}


def sample() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "draw_order": [1, 2, 3],
            "stratum": ["Aktivitetsparat", "Jobparat", "Jobparat"],
            "case_id": ["S-1", "S-2", "S-3"],
            "decision_date": [date(2022, 1, 5), date(2022, 2, 7), date(2022, 3, 9)],
            "match_group": ["Aktivitetsparat", "Jobparat", "Jobparat"],
            "sanction_type": ["Skærpet rådighedssanktion"] * 3,
            "team": ["Team Nord", None, "Team Syd"],
        }
    )


def new_round(db: ReviewDB, who: str = "leder@kommune.dk") -> int:
    return repo.create_round(
        db, SPEC, sample(), population_size=40, population_sha256="a" * 64, who=who
    )


def test_migrations_run_from_an_empty_database(empty_review_db: ReviewDB) -> None:
    db = empty_review_db
    assert db.current_revision() is None
    assert not inspect(db.engine).get_table_names()
    db.upgrade()
    assert db.current_revision() == db.head_revision() == "0001"
    tables = set(inspect(db.engine).get_table_names())
    assert {"review_round", "review_case", "corrective_action", "audit_log"} <= tables
    # The migration and the models agree column for column.
    insp = inspect(db.engine)
    for table in Base.metadata.sorted_tables:
        in_db = {c["name"] for c in insp.get_columns(table.name)}
        assert in_db == {c.name for c in table.columns}, table.name
    db.upgrade()  # a second upgrade is a no-op
    assert db.current_revision() == "0001"


def test_sqlite_register_is_in_wal_mode(tmp_path: Path) -> None:
    db = ReviewDB(f"sqlite:///{tmp_path}/sub/jobmaal.db")
    db.upgrade()
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_round_stores_its_parameters_and_draw(review_db: ReviewDB) -> None:
    rid = new_round(review_db)
    (info,) = repo.list_rounds(review_db)
    assert info.id == rid
    assert (info.name, info.seed, info.sample_size, info.population_size) == (
        "1. kvartal 2022",
        42,
        3,
        40,
    )
    assert info.sanction_types == ("Skærpet rådighedssanktion",)
    assert info.match_groups == () and info.strata == ("match_group", "sanction_type")
    assert (info.period_start, info.period_end) == (date(2022, 1, 1), date(2022, 3, 31))
    assert (info.n_cases, info.n_reviewed, info.status) == (3, 0, "aaben")
    cases = repo.round_cases(review_db, rid)
    assert [c.case_id for c in cases] == ["S-1", "S-2", "S-3"]
    assert [c.team for c in cases] == ["Team Nord", None, "Team Syd"]
    assert all(c.verdict is None and c.version == 1 for c in cases)


def test_bad_sample_is_refused_and_stores_nothing(review_db: ReviewDB) -> None:
    dup = pl.concat([sample(), sample().head(1)])
    with pytest.raises(ReviewError, match="mere end én gang"):
        repo.create_round(review_db, SPEC, dup, population_size=4, population_sha256="", who="x")
    with pytest.raises(ReviewError, match="mangler kolonnerne team"):
        repo.create_round(
            review_db,
            SPEC,
            sample().drop("team"),
            population_size=3,
            population_sha256="",
            who="x",
        )
    assert repo.list_rounds(review_db) == []
    assert repo.audit_trail(review_db) == []


def test_assign_and_list_a_reviewers_cases(review_db: ReviewDB) -> None:
    rid = new_round(review_db)
    c1, c2, c3 = repo.round_cases(review_db, rid)
    assert repo.assign(review_db, {c1.id: "anne", c3.id: "anne", c2.id: "bo"}, who="leder") == 3
    assert [c.case_id for c in repo.round_cases(review_db, rid, assigned_to="anne")] == [
        "S-1",
        "S-3",
    ]
    assert repo.assign(review_db, {c1.id: "anne"}, who="leder") == 0  # unchanged
    entry = repo.audit_trail(review_db, entity="review_case", entity_id=c2.id)[-1]
    assert entry.action == "assign" and entry.who == "leder"
    assert entry.before is not None and entry.after is not None
    assert (entry.before["assigned_to"], entry.after["assigned_to"]) == (None, "bo")


def test_review_form_round_trip(review_db: ReviewDB) -> None:
    rid = new_round(review_db)
    akt = repo.round_cases(review_db, rid)[0]
    answers = {p: "ja" for p in POINTS} | {"p6": "nej", "p7": "nej"}
    saved = repo.save_review(
        review_db,
        akt.id,
        expected_version=akt.version,
        answers=answers,
        verdict="hjemvist",
        note="  Ingen vurdering af, om sanktionen fremmer rådigheden.  ",
        who="anne",
    )
    again = repo.get_case(review_db, akt.id)
    assert again == saved
    assert again.answers == answers
    assert again.verdict == "hjemvist" and again.reviewed_by == "anne"
    assert again.note == "Ingen vurdering af, om sanktionen fremmer rådigheden."
    assert again.version == 2 and again.reviewed_at is not None
    assert repo.get_round(review_db, rid).n_reviewed == 1
    # A jobparat case: points 5-7 are stored as "ikke relevant".
    job = repo.round_cases(review_db, rid)[1]
    repo.save_review(
        review_db,
        job.id,
        expected_version=1,
        answers=ALL_YES_JOBPARAT,
        verdict="korrekt",
        note="",
        who="bo",
    )
    assert {p: repo.get_case(review_db, job.id).answers[p] for p in ("p5", "p6", "p7")} == (
        dict.fromkeys(("p5", "p6", "p7"), "ikke_relevant")
    )
    frame = repo.reviews_frame(review_db)
    assert frame.height == 2
    assert "case_id" not in frame.columns  # results never carry case references
    assert frame["verdict"].to_list() == ["hjemvist", "korrekt"]


def test_incomplete_form_is_refused_and_changes_nothing(review_db: ReviewDB) -> None:
    rid = new_round(review_db)
    akt, job, _ = repo.round_cases(review_db, rid)
    n_audit = len(repo.audit_trail(review_db))
    with pytest.raises(ReviewError, match="Punkt 5 er ikke besvaret"):
        repo.save_review(
            review_db,
            akt.id,
            expected_version=1,
            answers=ALL_YES_JOBPARAT,
            verdict="korrekt",
            note="",
            who="anne",
        )
    with pytest.raises(ReviewError, match="Punkt 6 gælder kun aktivitetsparate"):
        repo.save_review(
            review_db,
            job.id,
            expected_version=1,
            answers=ALL_YES_JOBPARAT | {"p6": "nej"},
            verdict="korrekt",
            note="",
            who="anne",
        )
    with pytest.raises(ReviewError, match="Vælg en vurdering"):
        repo.save_review(
            review_db,
            job.id,
            expected_version=1,
            answers=ALL_YES_JOBPARAT,
            verdict="",
            note="",
            who="anne",
        )
    assert repo.get_case(review_db, akt.id) == akt
    assert len(repo.audit_trail(review_db)) == n_audit


def test_two_reviewers_on_one_case_get_a_conflict_not_an_overwrite(
    review_db: ReviewDB,
) -> None:
    rid = new_round(review_db)
    job = repo.round_cases(review_db, rid)[1]
    opened_by_anne = repo.get_case(review_db, job.id)
    opened_by_bo = repo.get_case(review_db, job.id)
    repo.save_review(
        review_db,
        job.id,
        expected_version=opened_by_anne.version,
        answers=ALL_YES_JOBPARAT,
        verdict="korrekt",
        note="Anne",
        who="anne",
    )
    with pytest.raises(ConflictError, match="Konflikt: anne har gemt") as exc:
        repo.save_review(
            review_db,
            job.id,
            expected_version=opened_by_bo.version,
            answers=ALL_YES_JOBPARAT | {"p3": "nej"},
            verdict="aendret",
            note="Bo",
            who="bo",
        )
    assert "Intet er gemt" in str(exc.value)
    stored = repo.get_case(review_db, job.id)
    assert (stored.verdict, stored.note, stored.reviewed_by) == ("korrekt", "Anne", "anne")
    assert [
        e.who
        for e in repo.audit_trail(review_db, entity="review_case", entity_id=job.id)
        if e.action == "save_review"
    ] == ["anne"]


def test_only_the_assignee_may_save_when_asked(review_db: ReviewDB) -> None:
    rid = new_round(review_db)
    job = repo.round_cases(review_db, rid)[1]
    repo.assign(review_db, {job.id: "bo"}, who="leder")
    with pytest.raises(ReviewError, match="ikke tildelt dig"):
        repo.save_review(
            review_db,
            job.id,
            expected_version=1,
            answers=ALL_YES_JOBPARAT,
            verdict="korrekt",
            note="",
            who="anne",
            only_assignee=True,
        )
    repo.save_review(
        review_db,
        job.id,
        expected_version=2,
        answers=ALL_YES_JOBPARAT,
        verdict="korrekt",
        note="",
        who="bo",
        only_assignee=True,
    )


def test_audit_trail_records_who_what_before_and_after(review_db: ReviewDB) -> None:
    rid = new_round(review_db, who="leder")
    job = repo.round_cases(review_db, rid)[1]
    repo.save_review(
        review_db,
        job.id,
        expected_version=1,
        answers=ALL_YES_JOBPARAT,
        verdict="aendret",
        note="p3",
        who="bo",
    )
    trail = repo.audit_trail(review_db)
    assert [e.action for e in trail] == ["create_round", *["draw_case"] * 3, "save_review"]
    assert all(e.at.tzinfo is not None for e in trail)
    first = trail[0]
    assert (first.who, first.entity, first.entity_id, first.before) == (
        "leder",
        "review_round",
        rid,
        None,
    )
    assert first.after is not None and first.after["seed"] == 42
    last = trail[-1]
    assert last.who == "bo" and last.entity == "review_case" and last.entity_id == job.id
    assert last.before is not None and last.after is not None
    assert (last.before["verdict"], last.after["verdict"]) == (None, "aendret")
    assert (last.before["version"], last.after["version"]) == (1, 2)


def test_database_refuses_changing_the_audit_log_and_any_delete(review_db: ReviewDB) -> None:
    rid = new_round(review_db)
    statements = (
        "UPDATE audit_log SET who = 'mallory'",
        "DELETE FROM audit_log",
        f"DELETE FROM review_case WHERE round_id = {rid}",
        "DELETE FROM review_round",
    )
    for sql in statements:
        with pytest.raises(DBAPIError), review_db.engine.begin() as conn:
            conn.execute(text(sql))
    assert {e.who for e in repo.audit_trail(review_db)} == {"leder@kommune.dk"}
    assert len(repo.round_cases(review_db, rid)) == 3


def test_deleting_a_round_only_hides_it(review_db: ReviewDB) -> None:
    rid = new_round(review_db)
    info = repo.get_round(review_db, rid)
    with pytest.raises(ConflictError):
        repo.delete_round(review_db, rid, expected_version=info.version + 1, who="leder")
    repo.delete_round(review_db, rid, expected_version=info.version, who="leder")
    assert repo.list_rounds(review_db) == []
    with pytest.raises(ReviewError, match="findes ikke"):
        repo.get_round(review_db, rid)
    with review_db.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM review_round")).scalar() == 1
    assert repo.audit_trail(review_db)[-1].action == "delete_round"


def test_corrective_actions_open_close_and_conflict(review_db: ReviewDB) -> None:
    rid = new_round(review_db)
    akt, job, _ = repo.round_cases(review_db, rid)
    a1 = repo.add_action(
        review_db,
        akt.id,
        description="Undervisning i partshøring",
        owner="Teamleder A",
        deadline=date(2022, 6, 1),
        who="leder",
    )
    a2 = repo.add_action(
        review_db,
        job.id,
        description="Genoptag sagen",
        owner="Teamleder B",
        deadline=date(2022, 5, 1),
        who="leder",
    )
    with pytest.raises(ReviewError, match="ansvarlig"):
        repo.add_action(
            review_db, job.id, description="x", owner=" ", deadline=date(2022, 5, 1), who="l"
        )
    assert [a.id for a in repo.list_actions(review_db, open_only=True)] == [a2, a1]
    repo.set_action_status(review_db, a2, "lukket", expected_version=1, who="leder")
    with pytest.raises(ConflictError):
        repo.set_action_status(review_db, a2, "aaben", expected_version=1, who="leder")
    assert [a.id for a in repo.list_actions(review_db, open_only=True)] == [a1]
    closed = repo.list_actions(review_db, case_pk=job.id)[0]
    assert closed.status == "lukket" and closed.closed_at is not None
    assert closed.round_id == rid
    repo.delete_action(review_db, a1, expected_version=1, who="leder")
    assert repo.list_actions(review_db, round_id=rid) == [closed]


def test_unsupported_or_bad_urls_are_clear_errors() -> None:
    with pytest.raises(ReviewDBError, match=r"mysql:\.\.\. is not supported"):
        ReviewDB("mysql://root:hemmelig@db/x")
    with pytest.raises(ReviewDBError, match="not a database URL"):
        ReviewDB("ikke en url")


@pytest.mark.postgres
def test_wrong_password_never_shows_the_password(postgres_server: PostgresServer) -> None:
    url = postgres_server.url("postgres").get_secret_value()
    wrong = url.replace(postgres_server.password, "forkert-hemmelighed-123")
    db = ReviewDB(wrong)
    assert "forkert-hemmelighed-123" not in db.label and "***" in db.label
    with pytest.raises(ReviewDBError) as exc:
        db.upgrade()
    assert "forkert-hemmelighed-123" not in str(exc.value)
    assert exc.value.__cause__ is None and exc.value.__suppress_context__
    db.dispose()


def test_register_columns_match_the_sample_columns() -> None:
    assert set(SAMPLE_COLUMNS) <= {c.name for c in Base.metadata.tables["review_case"].columns}


def test_database_url_is_a_secret_and_postgres_keeps_the_import_log_in_sqlite(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)  # no .streamlit/secrets.toml here
    monkeypatch.setenv("JOBMAAL_DATA_DIR", str(tmp_path / "d"))
    monkeypatch.setenv("JOBMAAL_DATABASE_URL", "postgresql://jm:hemmelig-kode@db/jobmaal")
    s = Settings()
    assert "hemmelig-kode" not in repr(s) and "hemmelig-kode" not in str(s.model_dump())
    assert review_database_url(s).get_secret_value().endswith("@db/jobmaal")
    assert s.db_url == f"sqlite:///{tmp_path / 'd' / 'jobmaal.db'}"  # the import log
    db = ReviewDB.from_settings(s)
    assert db.dialect == "postgresql" and "hemmelig-kode" not in db.label
    monkeypatch.delenv("JOBMAAL_DATABASE_URL")
    default = ReviewDB.from_settings(Settings())
    assert default.dialect == "sqlite"
    assert default.url.database == str(tmp_path / "d" / "review.db")
