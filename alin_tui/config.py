"""Settings, one source of truth: defaults < TOML file < environment (ALIN_*) < command line.

Paths come from platformdirs; `ALIN_DATA_DIR` / `--data-dir` moves everything (tests use it).
Each profile (one per household for a field advisor) has its own store, token and drop folder.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

from platformdirs import user_config_dir, user_data_dir
from pydantic import Field, field_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

APP_NAME = "alin-tui"
_PROFILE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}$")


def default_config_file() -> Path:
    return Path(user_config_dir(APP_NAME, appauthor=False)) / "config.toml"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ALIN_", extra="ignore")

    server: str | None = Field(
        default=None, description="URL du service ; vide : bac à sable intégré"
    )
    data_dir: Path = Field(default_factory=lambda: Path(user_data_dir(APP_NAME, appauthor=False)))
    profile: str = "default"
    lang: Literal["fr", "en"] = "fr"
    username: str | None = None
    low_bandwidth: bool = False
    # The cap on simultaneous applications is not confirmed by public sources: configurable.
    max_applications: int = Field(default=3, ge=0)

    @field_validator("profile")
    @classmethod
    def _profile_is_a_name(cls, value: str) -> str:
        if not _PROFILE.match(value):
            raise ValueError("nom de profil invalide (lettres, chiffres, . _ -, 64 au plus)")
        return value

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        toml = TomlConfigSettingsSource(settings_cls, toml_file=default_config_file())
        return (init_settings, env_settings, toml)

    # --- derived paths ---------------------------------------------------------------------

    @property
    def profile_dir(self) -> Path:
        return self.data_dir / "profiles" / self.profile

    @property
    def store_path(self) -> Path:
        return self.profile_dir / "store.db"

    @property
    def token_path(self) -> Path:
        return self.profile_dir / "token.json"

    @property
    def drop_folder(self) -> Path:
        return self.profile_dir / "dépôt"

    @property
    def staging(self) -> Path:
        return self.profile_dir / "staging"

    @property
    def server_key(self) -> str:
        """What a stored token belongs to: the server URL, or the embedded sandbox."""
        return self.server.rstrip("/") if self.server else "embedded"

    @property
    def sandbox_db(self) -> Path:
        return self.data_dir / "sandbox" / "sandbox.db"
