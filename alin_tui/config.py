"""Settings, one source of truth: defaults < TOML file < environment (ALIN_*) < command line.

Paths come from platformdirs; `ALIN_DATA_DIR` / `--data-dir` moves everything (tests use it).
Each profile (one per household for a field advisor) has its own store, token and drop folder.

The interface is tuned here too: `theme` (auto, dark, light, ansi), `low_bandwidth` (fewer
colours, no animation, for SSH), `mouse`, and `keymap`, a `[keymap]` table of the TOML file that
rebinds keys by binding id (`sync = "f6"`), handed to Textual's `set_keymap`.
"""

from __future__ import annotations

import contextlib
import re
import sys
import types
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, field_validator
from pydantic_core import PydanticCustomError

from alin_tui.config_paths import APP_NAME, default_config_file, default_data_dir
from alin_tui.lang import system_lang


class _ImportedWhenUsed(types.ModuleType):
    """Stands in for a module not imported yet: the first attribute read imports the real one
    (and every later read goes to it)."""

    def __getattr__(self, name: str) -> Any:
        import importlib

        if sys.modules.get(self.__name__) is self:
            del sys.modules[self.__name__]
        return getattr(importlib.import_module(self.__name__), name)


@contextlib.contextmanager
def _asyncio_when_used() -> Iterator[None]:
    """pydantic-settings imports asyncio at its top for `CliApp.run` alone, which we never call:
    20–40 ms of every command's start. While it is imported, `asyncio` is a stand-in that imports
    the real module when first used; afterwards `import asyncio` is the real import again."""
    if "asyncio" in sys.modules:
        yield
        return
    stand_in = sys.modules["asyncio"] = _ImportedWhenUsed("asyncio")
    try:
        yield
    finally:
        if sys.modules.get("asyncio") is stand_in:
            del sys.modules["asyncio"]


with _asyncio_when_used():
    from pydantic_settings import (
        BaseSettings,
        PydanticBaseSettingsSource,
        SettingsConfigDict,
        TomlConfigSettingsSource,
    )

__all__ = ["APP_NAME", "Settings", "default_config_file"]

DROP_FOLDER = "dépôt"  # the drop folder's name inside a profile: where documents are left
# A household's name is a folder name: letters (accents welcome), digits, . _ -; no space, no
# slash, no leading dot. Compared in NFC, the form most systems write.
_PROFILE = re.compile(r"^[^\W_][\w.\-]{0,63}$")
_BINDING_ID = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-]{0,63}$")
# One key as Textual names it ("f6", "ctrl+s", "question_mark", "?"): printable ASCII, no space.
_KEY = re.compile(r"^[!-~]{1,32}$")
_KEYS_MAX = 64
THEMES = ("auto", "dark", "light", "ansi")


def _shown(value: object) -> str:
    """A bad value quoted in an error message: escaped, short."""
    text = repr(value)
    return text if len(text) <= 40 else text[:39] + "…"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ALIN_", extra="ignore")

    server: str | None = Field(
        default=None, description="URL du service ; vide : bac à sable intégré"
    )
    data_dir: Path = Field(default_factory=default_data_dir)
    # Certificates are checked; `tls_verify = false` (or ALIN_TLS_VERIFY=false) turns that off
    # for a test server, with a warning at every command.
    tls_verify: bool = True
    # Seconds to wait for the server (ALIN_HTTP_TIMEOUT); unset: the client's own defaults.
    http_timeout: float | None = Field(default=None, gt=0, le=600, allow_inf_nan=False)
    profile: str = "default"
    # French first; the system's locale (LANG, LC_MESSAGES…) when nothing else says.
    lang: Literal["fr", "en"] = Field(default_factory=lambda: system_lang() or "fr")
    username: str | None = None
    low_bandwidth: bool = False
    theme: Literal["auto", "dark", "light", "ansi"] = "auto"
    mouse: bool = True
    # Binding id → keys, comma-separated ("f6" or "ctrl+s,f6"); unknown ids are the app's to report.
    keymap: dict[str, str] = Field(default_factory=dict)
    # The cap on simultaneous applications is not confirmed by public sources: configurable.
    max_applications: int = Field(default=3, ge=0)
    # Renewal opens this many days before expiry (60 is not confirmed by public sources).
    renewal_window_days: int = Field(default=60, ge=1, le=365)
    # Network shares often deliver no change events: poll the drop folder every second instead.
    drop_folder_polling: bool = False
    # Kiosk (`--kiosk`, `alin-tui web`): the keys, typed one after the other, that open the
    # operator's menu (quit, suspend); visitors cannot quit without them. Unset: a kiosk in a
    # terminal refuses to start (nobody could leave it but by killing it).
    kiosk_admin_keys: str | None = None
    # Seconds without a key, a click or a paste before a visit is wiped and the welcome returns.
    kiosk_idle_seconds: int = Field(default=180, ge=10, le=86_400)

    @field_validator("server", mode="before")
    @classmethod
    def _server_is_an_address(cls, value: object) -> object:
        """http(s)://host[:port][/path], checked here so that a typo is a sentence, not a
        traceback from the HTTP library; empty means the embedded sandbox."""
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        if not isinstance(value, str) or not _valid_server(value.strip()):
            raise PydanticCustomError(
                "server_address",
                "adresse de serveur invalide {value} : écrivez par exemple http://127.0.0.1:8765",
                {"value": _shown(value)},
            )
        return value.strip()

    @field_validator("data_dir", mode="before")
    @classmethod
    def _data_dir_is_a_folder(cls, value: object) -> object:
        """An empty value would put private data in whatever folder the command runs from; a
        file (or a device such as /dev/null) cannot hold a profile."""
        if isinstance(value, str | Path) and not str(value).strip():
            raise PydanticCustomError("data_dir_empty", "le dossier de données est vide")
        path = Path(str(value)).expanduser() if isinstance(value, str | Path) else None
        if path is not None and path.exists() and not path.is_dir():
            raise PydanticCustomError(
                "data_dir_not_folder",
                "{path} n'est pas un dossier : donnez un dossier pour les données",
                {"path": str(path)},
            )
        return path if path is not None else value

    @field_validator("profile")
    @classmethod
    def _profile_is_a_name(cls, value: str) -> str:
        import unicodedata

        value = unicodedata.normalize("NFC", value)
        if not _PROFILE.match(value):
            raise PydanticCustomError(
                "profile_name", "nom de profil invalide (lettres, chiffres, . _ -, 64 au plus)"
            )
        return value

    @field_validator("theme", mode="before")
    @classmethod
    def _theme_is_known(cls, value: object) -> object:
        if isinstance(value, str) and value.strip().lower() in THEMES:
            return value.strip().lower()
        raise PydanticCustomError(
            "theme_unknown",
            "thème inconnu {value} : auto, dark, light ou ansi",
            {"value": _shown(value)},
        )

    @field_validator("keymap", mode="before")
    @classmethod
    def _keymap_is_plain(cls, value: object) -> dict[str, str]:
        if not isinstance(value, dict):
            raise PydanticCustomError(
                "keymap_table", '[keymap] doit être une table, par exemple sync = "f6"'
            )
        for binding, keys in value.items():
            if not isinstance(binding, str) or not _BINDING_ID.match(binding):
                raise PydanticCustomError(
                    "keymap_binding",
                    "identifiant de raccourci invalide {binding} (lettres, chiffres, . _ -, 64 au plus)",
                    {"binding": _shown(binding)},
                )
            if not (
                isinstance(keys, str)
                and len(keys) <= _KEYS_MAX
                and all(_KEY.match(key.strip()) for key in keys.split(","))
            ):
                raise PydanticCustomError(
                    "keymap_keys",
                    "touches invalides pour « {binding} » : {keys} ; écrivez par exemple "
                    '{binding} = "f6" ou {binding} = "ctrl+s,f6"',
                    {"binding": binding, "keys": _shown(keys)},
                )
        return {
            binding: ",".join(k.strip() for k in keys.split(",")) for binding, keys in value.items()
        }

    @field_validator("kiosk_admin_keys", mode="before")
    @classmethod
    def _admin_keys_are_keys(cls, value: object) -> object:
        """Two to six keys as Textual names them, separated by spaces ("ctrl+t ctrl+k f12"): a
        sequence, since a terminal reports few keys pressed together. Each is Ctrl or Alt with
        a letter or digit, or a function key: nothing a visitor types in a search field."""
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        keys = value.lower().split() if isinstance(value, str) else []  # "F12" is f12
        if not 2 <= len(keys) <= 6 or not all(_admin_key(key) for key in keys):
            raise PydanticCustomError(
                "admin_keys",
                "touches d'administration invalides {value} : de deux à six touches séparées "
                "par des espaces, chacune Ctrl ou Alt avec une lettre ou un chiffre, ou une "
                'touche de fonction ; par exemple kiosk_admin_keys = "ctrl+t ctrl+k f12"',
                {"value": _shown(value)},
            )
        return " ".join(keys)

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

    def app_options(self) -> dict[str, Any]:
        """What the full-screen app takes from the settings (the command line and the kiosk
        open it alike)."""
        return {
            "lang": self.lang,
            "max_applications": self.max_applications,
            "renewal_window_days": self.renewal_window_days,
            "low_bandwidth": self.low_bandwidth,
            "keymap": dict(self.keymap),
        }

    def command_line(self, profile: str | None = None) -> str:
        """How to call alin-tui on this data folder and on `profile` (this one by default), for
        the commands a hint tells people to type: a data folder other than the usual one is
        named again, so that the hint acts on the same households; the default profile is not
        named."""
        import shlex

        from alin_tui.config_paths import default_data_dir

        words = ["alin-tui"]
        if self.data_dir != default_data_dir():
            words += ["--data-dir", str(self.data_dir)]
        name = self.profile if profile is None else profile
        if name != "default":
            words += ["--profile", name]
        return shlex.join(words)

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
        return self.profile_dir / DROP_FOLDER

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


def _admin_key(key: str) -> bool:
    """Ctrl/Alt (Shift allowed) with a letter or digit, or a function key f1–f24 with any of
    them, as Textual names keys ("ctrl+t", "alt+shift+x", "f12", "ctrl+f9")."""
    *modifiers, base = key.split("+")
    if len(set(modifiers)) != len(modifiers) or not set(modifiers) <= {"ctrl", "alt", "shift"}:
        return False
    if re.fullmatch(r"f([1-9]|1[0-9]|2[0-4])", base):
        return True
    return bool(re.fullmatch(r"[a-z0-9]", base)) and bool({"ctrl", "alt"} & set(modifiers))


def _valid_server(text: str) -> bool:
    """An http or https URL with a host, a port 1–65535 if given, and a real address when the
    host is written as numbers."""
    import ipaddress
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(text)
        port = parts.port  # raises on a port that is not a number or out of range
        host = parts.hostname
    except ValueError:
        return False
    if parts.scheme not in ("http", "https") or not host or port == 0:
        return False
    if host.replace(".", "").isdigit() or ":" in host:  # an IPv4 or IPv6 address
        try:
            ipaddress.ip_address(host)
        except ValueError:
            return False
    return all(c.isprintable() and not c.isspace() for c in text)


def describe_error(error, t) -> str:
    """A refused setting in the user's language: our validators name their error and its
    values; pydantic's own (a number below its bound, a choice) say the allowed values."""
    key = f"settings_error.{error['type']}"
    context = {
        k: str(int(v)) if isinstance(v, float) and v.is_integer() else str(v)
        for k, v in (error.get("ctx") or {}).items()
    }
    words = t(key, **context)
    if words != key:
        return words
    if error["type"] == "literal_error":  # pydantic writes "'fr' or 'en'": in the reader's words
        expected = context.get("expected", "").replace(" or ", t("settings_error.or"))
        return t("settings_error.choice", expected=expected)
    return error["msg"].removeprefix("Value error, ")
