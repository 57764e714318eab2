"""Settings: environment (prefix ``JOBMAAL_``) first, then ``.streamlit/secrets.toml``.

In ``secrets.toml`` put the same names, lower case, under a ``[jobmaal]`` table::

    [jobmaal]
    jobindsats_api_key = "..."
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from pydantic import Field, SecretStr
from pydantic.fields import FieldInfo
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

SECRETS_FILE = Path(".streamlit") / "secrets.toml"
REPO_TARGETS = Path(__file__).resolve().parent.parent / "targets"
"""The plans shipped with jobmaal (``targets/`` in the repository)."""


class _SecretsTomlSource(PydanticBaseSettingsSource):
    """Reads the ``[jobmaal]`` table of ``.streamlit/secrets.toml`` if the file exists."""

    def __init__(self, settings_cls: type[BaseSettings], path: Path):
        super().__init__(settings_cls)
        self._data: dict[str, Any] = {}
        if path.is_file():
            try:
                with path.open("rb") as fh:
                    self._data = dict(tomllib.load(fh).get("jobmaal", {}))
            except tomllib.TOMLDecodeError as exc:
                raise ValueError(f"{path}: not valid TOML: {exc}") from None

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        return self._data.get(field_name), field_name, False

    def __call__(self) -> dict[str, Any]:
        return {k: v for k, v in self._data.items() if k in self.settings_cls.model_fields}


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="JOBMAAL_", extra="ignore")

    data_dir: Path = Field(default=Path("data"), description="Where the store lives")
    jobindsats_api_key: SecretStr | None = Field(default=None, description="Key from STAR")
    database_url: SecretStr | None = Field(
        default=None,
        description="Database of the import log (SQLite; default sqlite:///<data_dir>/jobmaal.db) "
        "and of the review register (SQLite or PostgreSQL; default "
        "sqlite:///<data_dir>/review.db)",
    )
    targets_dir: Path = Field(
        default=REPO_TARGETS, description="Folder with <municipality>-<year>.toml plan files"
    )
    jobindsats_base_url: str = "https://api.jobindsats.dk/v3"
    jobindsats_timeout: float = Field(
        default=120.0,
        gt=0,
        description="Seconds one table's fetch may take in all (requests, retries, waits)",
    )
    jobindsats_max_mb: float = Field(
        default=50.0, gt=0, description="Refuse a jobindsats.dk response larger than this (MB)"
    )
    local_role: str | None = Field(
        default=None,
        description="Without login (local mode): the role case screens run as "
        "(udvalg, leder, sagsbehandler or analytiker); unset: aggregate pages only",
    )
    local_user: str = Field(
        default="lokal bruger", description="Without login: the name the audit trail records"
    )

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings, env_settings, _SecretsTomlSource(settings_cls, SECRETS_FILE))

    @property
    def db_url(self) -> str:
        """The import log's database: always SQLite (a PostgreSQL database_url serves only
        the review register; the import log then stays in the data dir)."""
        url = self.database_url.get_secret_value() if self.database_url else None
        if url is None or url.startswith(("postgresql:", "postgresql+")):
            return f"sqlite:///{self.data_dir / 'jobmaal.db'}"
        return url

    @property
    def store_dir(self) -> Path:
        return self.data_dir / "store"


# -- review register (ledelsestilsyn): appended ---------------------------------------------
def review_database_url(settings: Settings) -> SecretStr:
    """The review register's database URL (a secret: it may hold a password). Default: its
    own SQLite file beside the import log, so a saved review never touches the file whose
    change invalidates the dashboard's cached store."""
    if settings.database_url is not None:
        return settings.database_url
    return SecretStr(f"sqlite:///{settings.data_dir / 'review.db'}")
