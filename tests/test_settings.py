from pathlib import Path

import pytest

from data_connectors import settings as settings_mod
from data_connectors.settings import Settings


def test_defaults(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("JOBMAAL_DATA_DIR", raising=False)
    monkeypatch.chdir(tmp_path)  # no .streamlit/secrets.toml here
    s = Settings()
    assert s.data_dir == Path("data")
    assert s.db_url == "sqlite:///data/jobmaal.db"
    assert s.jobindsats_api_key is None


def test_environment_prefix(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("JOBMAAL_DATA_DIR", "/srv/jobmaal")
    monkeypatch.setenv("JOBMAAL_JOBINDSATS_API_KEY", "hemmelig-noegle")
    s = Settings()
    assert s.data_dir == Path("/srv/jobmaal")
    assert s.db_url == "sqlite:////srv/jobmaal/jobmaal.db"
    assert s.jobindsats_api_key is not None
    assert s.jobindsats_api_key.get_secret_value() == "hemmelig-noegle"
    # The key never shows in a repr, str or dump.
    assert "hemmelig" not in repr(s) and "hemmelig" not in str(s.model_dump())


def test_secrets_toml_and_env_precedence(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".streamlit").mkdir()
    (tmp_path / ".streamlit" / "secrets.toml").write_text(
        '[jobmaal]\njobindsats_api_key = "fra-fil"\ndata_dir = "/from/file"\n', "utf-8"
    )
    monkeypatch.delenv("JOBMAAL_DATA_DIR", raising=False)
    s = Settings()
    assert s.jobindsats_api_key is not None
    assert s.jobindsats_api_key.get_secret_value() == "fra-fil"
    assert s.data_dir == Path("/from/file")
    monkeypatch.setenv("JOBMAAL_DATA_DIR", "/from/env")
    assert Settings().data_dir == Path("/from/env")  # the environment wins


def test_example_secrets_file_is_committed_and_real_one_ignored() -> None:
    root = Path(__file__).resolve().parents[1]
    assert (root / ".streamlit" / "secrets.toml.example").is_file()
    assert ".streamlit/secrets.toml" in (root / ".gitignore").read_text().splitlines()
    assert Path(".streamlit/secrets.toml") == settings_mod.SECRETS_FILE


def test_targets_dir_defaults_to_shipped_plans_and_env_overrides(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from data_connectors.plans import available_plans, find_plan

    monkeypatch.chdir(tmp_path)  # the default must not depend on the working directory
    assert (Settings().targets_dir / "710-2022.toml").is_file()
    assert ("710", 2022) in [(c, y) for c, y, _ in available_plans()]
    monkeypatch.setenv("JOBMAAL_TARGETS_DIR", str(tmp_path))
    assert available_plans() == []
    with pytest.raises(LookupError, match="no plan for municipality 710"):
        find_plan("710", 2022)


def test_broken_secrets_file_is_named(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".streamlit").mkdir()
    (tmp_path / ".streamlit" / "secrets.toml").write_text("[jobmaal\nx = 1\n", "utf-8")
    with pytest.raises(ValueError, match=r"\.streamlit/secrets\.toml: not valid TOML"):
        Settings()
