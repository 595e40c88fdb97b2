"""The settings object: read from the environment once, typed, re-read when the environment changes."""
import pytest

from models.config import PROJECT_ROOT, load_config, reload_config
from models.errors import ConfigurationError

NAMES = ("DATABASE_URL", "ONEVOICE_DATA_DIR", "ONEVOICE_COOKIE_KEY", "ONEVOICE_COOKIE_DAYS",
         "ONEVOICE_MAX_UPLOAD_MB", "ONEVOICE_MAX_UNZIPPED_MB", "ONEVOICE_CACHE_TTL")


@pytest.fixture
def clean_env(monkeypatch):
    for name in NAMES:
        monkeypatch.delenv(name, raising=False)
    yield monkeypatch
    monkeypatch.undo()
    reload_config()


def test_defaults_without_any_setting(clean_env):
    config = reload_config()
    assert config.data_dir == PROJECT_ROOT / "data"
    assert config.database_url == f"sqlite:///{PROJECT_ROOT / 'data' / 'onevoice.db'}"
    assert config.is_default_sqlite
    assert config.cookie_key is None
    assert (config.cookie_expiry_days, config.max_upload_mb, config.max_unzipped_mb, config.cache_ttl_seconds) \
        == (7, 200, 2000, 60)


def test_every_setting_from_its_variable(clean_env, tmp_path):
    values = {"DATABASE_URL": "postgresql://u@h/db", "ONEVOICE_DATA_DIR": str(tmp_path),
              "ONEVOICE_COOKIE_KEY": "k" * 40, "ONEVOICE_COOKIE_DAYS": "1.5", "ONEVOICE_MAX_UPLOAD_MB": "3",
              "ONEVOICE_MAX_UNZIPPED_MB": "4", "ONEVOICE_CACHE_TTL": "5"}
    for name, value in values.items():
        clean_env.setenv(name, value)
    config = load_config()
    assert config.database_url == "postgresql://u@h/db" and not config.is_default_sqlite
    assert config.data_dir == tmp_path
    assert config.cookie_key.get_secret_value() == "k" * 40
    assert "k" * 40 not in repr(config)
    assert (config.cookie_expiry_days, config.max_upload_mb, config.max_unzipped_mb, config.cache_ttl_seconds) \
        == (1.5, 3, 4, 5)


def test_parsed_once_and_again_when_the_environment_changes(clean_env, tmp_path):
    first = reload_config()
    assert load_config() is first
    clean_env.setenv("ONEVOICE_DATA_DIR", str(tmp_path))
    second = load_config()
    assert second is not first and second.database_url == f"sqlite:///{tmp_path / 'onevoice.db'}"
    assert load_config() is second


def test_a_bad_value_names_its_variable(clean_env):
    clean_env.setenv("ONEVOICE_CACHE_TTL", "soon")
    with pytest.raises(ConfigurationError, match="ONEVOICE_CACHE_TTL: Input should be a valid integer"):
        load_config()
