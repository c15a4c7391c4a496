"""Where the configuration file and the data live by default (platformdirs), importable without
pydantic: the language of `--help` is read from the configuration file before anything heavy."""

from __future__ import annotations

from pathlib import Path

APP_NAME = "alin-tui"


def default_config_file() -> Path:
    from platformdirs import user_config_dir

    return Path(user_config_dir(APP_NAME, appauthor=False)) / "config.toml"


def default_data_dir() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, appauthor=False))
