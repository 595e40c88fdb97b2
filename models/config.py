"""Process-wide settings read from the environment, in one place.

Settings that the business changes at run time (``sla_hours``, time zone, currency) live in the
database's ``setting`` table instead; see ``models.settings_store``.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class AppConfig:
    database_url: str
    data_dir: Path
    cookie_expiry_days: float
    max_upload_mb: int
    max_unzipped_mb: int
    cache_ttl_seconds: int

    @property
    def is_default_sqlite(self) -> bool:
        return "DATABASE_URL" not in os.environ


def load_config() -> AppConfig:
    data_dir = Path(os.environ.get("ONEVOICE_DATA_DIR", PROJECT_ROOT / "data"))
    default_url = f"sqlite:///{data_dir / 'onevoice.db'}"
    return AppConfig(
        database_url=os.environ.get("DATABASE_URL", default_url),
        data_dir=data_dir,
        cookie_expiry_days=float(os.environ.get("ONEVOICE_COOKIE_DAYS", "7")),
        max_upload_mb=int(os.environ.get("ONEVOICE_MAX_UPLOAD_MB", "200")),
        max_unzipped_mb=int(os.environ.get("ONEVOICE_MAX_UNZIPPED_MB", "2000")),
        # Other processes see another process's writes within this many seconds.
        cache_ttl_seconds=int(os.environ.get("ONEVOICE_CACHE_TTL", "60")),
    )
