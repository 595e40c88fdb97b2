"""Process-wide settings: one typed object (pydantic-settings), read from the environment once.

``load_config()`` is the only reader of the environment for these settings. It parses the
environment once and keeps the object; when the environment itself changes (a test's
``monkeypatch.setenv``, a benchmark pointing the app at another database) the next call parses
it again, and ``reload_config()`` forces that. Names: ``DATABASE_URL``, and ``ONEVOICE_`` +
the setting (``ONEVOICE_DATA_DIR``, ``ONEVOICE_COOKIE_KEY``, ``ONEVOICE_COOKIE_DAYS``,
``ONEVOICE_MAX_UPLOAD_MB``, ``ONEVOICE_MAX_UNZIPPED_MB``, ``ONEVOICE_CACHE_TTL``,
``ONEVOICE_SWEEP_SECONDS``, ``ONEVOICE_BASE_URL``, ``ONEVOICE_SMTP_URL``, ``ONEVOICE_SMTP_USER``,
``ONEVOICE_SMTP_PASSWORD``, ``ONEVOICE_SMTP_STARTTLS``, ``ONEVOICE_MAIL_FROM``). The one
exception is ``ONEVOICE_NOW``, the product clock's test pin, which ``models.types.utcnow``
reads itself (it is read on every call, and must not pay for a settings lookup).

Settings that the business changes at run time (``sla_hours``, time zone, currency) live in the
database's ``setting`` table instead; see ``models.settings_store``.
"""
from __future__ import annotations

import os
import threading
from pathlib import Path

from pydantic import Field, SecretStr, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from .errors import ConfigurationError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
ENV_PREFIX = "ONEVOICE_"


class AppConfig(BaseSettings):
    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, frozen=True, extra="ignore")

    data_dir: Path = PROJECT_ROOT / "data"
    # DATABASE_URL as given; unset = the embedded SQLite file in data_dir (see database_url).
    database_url_env: str | None = Field(default=None, validation_alias="DATABASE_URL")
    # Signs the sign-in cookie; unset = Streamlit secrets' cookie_key, else a key kept in data_dir.
    cookie_key: SecretStr | None = None
    cookie_expiry_days: float = Field(default=7, validation_alias="ONEVOICE_COOKIE_DAYS")
    max_upload_mb: int = 200
    max_unzipped_mb: int = 2000
    # Other processes see another process's writes within this many seconds.
    cache_ttl_seconds: int = Field(default=60, validation_alias="ONEVOICE_CACHE_TTL")
    # Connections one KPI set is computed on at once (queries.kpis.all_kpis); unset = min(2, cores).
    kpi_workers: int | None = Field(default=None, ge=1, le=16)
    # PostgreSQL: keep the gate's user rows per process, emptied by the database's NOTIFY
    # (models.user_rows); false = read the row on every rerun (e.g. behind a transaction pooler).
    user_row_cache: bool = True
    # The escalation sweep's interval in each portal process (ui.background); 0 = off.
    sweep_seconds: float = Field(default=60, ge=0)
    # Where people open the portal: links in e-mails and calendar feeds.
    base_url: str = "http://localhost:8501"
    # Outgoing mail (services.mailer): smtp://[user:password@]host[:port][?starttls=true]; unset = none.
    smtp_url: str | None = None
    smtp_starttls: bool | None = None
    smtp_user: str | None = None
    smtp_password: SecretStr | None = None
    mail_from: str = "onevoice@localhost"

    @property
    def database_url(self) -> str:
        if self.database_url_env is not None:
            return self.database_url_env
        return f"sqlite:///{self.data_dir / 'onevoice.db'}"

    @property
    def is_default_sqlite(self) -> bool:
        return self.database_url_env is None


_lock = threading.Lock()
_loaded: tuple[tuple, AppConfig] | None = None


def _environment() -> tuple:
    # Read on every load_config() call, a dozen times a rerun: the names are matched first and
    # only the matching values decoded (20 µs for `os.environ.items()` here, 6 µs so).
    env = os.environ
    return tuple(sorted((name, env[name]) for name in env
                        if name == "DATABASE_URL" or name[:len(ENV_PREFIX)].upper() == ENV_PREFIX))


def _env_name(loc: tuple) -> str:
    name = ".".join(map(str, loc)).upper()
    return name if name == "DATABASE_URL" or name.startswith(ENV_PREFIX) else ENV_PREFIX + name


def _parse() -> AppConfig:
    try:
        return AppConfig()
    except ValidationError as exc:
        problems = "; ".join(f"{_env_name(e['loc'])}: {e['msg']}" for e in exc.errors())
        raise ConfigurationError(f"bad setting in the environment: {problems}") from None


def load_config() -> AppConfig:
    """The settings of this process (parsed once per environment)."""
    global _loaded
    environment = _environment()
    loaded = _loaded
    if loaded is None or loaded[0] != environment:
        with _lock:
            loaded = (environment, _parse())
            _loaded = loaded
    return loaded[1]


def reload_config() -> AppConfig:
    """Forget the parsed settings and read the environment again."""
    global _loaded
    _loaded = None
    return load_config()
