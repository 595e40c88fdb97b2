"""The settings object: read from the environment once, typed, re-read when the environment changes."""
import pytest

from models.config import PROJECT_ROOT, load_config, reload_config
from models.errors import ConfigurationError

NAMES = ("DATABASE_URL", "ONEVOICE_DATA_DIR", "ONEVOICE_COOKIE_KEY", "ONEVOICE_COOKIE_DAYS",
         "ONEVOICE_MAX_UPLOAD_MB", "ONEVOICE_MAX_UNZIPPED_MB", "ONEVOICE_CACHE_TTL", "ONEVOICE_SWEEP_SECONDS",
         "ONEVOICE_BASE_URL", "ONEVOICE_SMTP_URL", "ONEVOICE_SMTP_USER", "ONEVOICE_SMTP_PASSWORD",
         "ONEVOICE_SMTP_STARTTLS", "ONEVOICE_MAIL_FROM")


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


def test_mail_sweep_and_address_settings(clean_env):
    from services.calendar_feed import base_url
    from services.mailer import mail_config

    assert load_config().sweep_seconds == 60 and mail_config() is None
    assert base_url() == "http://localhost:8501"
    for name, value in {"ONEVOICE_SWEEP_SECONDS": "0", "ONEVOICE_BASE_URL": "https://portal.example.kr/",
                        "ONEVOICE_SMTP_URL": "smtp://u:p%40ss@mail.example.kr:2525",
                        "ONEVOICE_SMTP_PASSWORD": "override", "ONEVOICE_SMTP_STARTTLS": "yes",
                        "ONEVOICE_MAIL_FROM": "noreply@example.kr"}.items():
        clean_env.setenv(name, value)
    assert load_config().sweep_seconds == 0
    assert base_url() == "https://portal.example.kr"
    mail = mail_config()
    assert (mail.host, mail.port, mail.username, mail.password, mail.starttls, mail.sender, mail.base_url) == \
        ("mail.example.kr", 2525, "u", "override", True, "noreply@example.kr", "https://portal.example.kr")
    assert "override" not in repr(load_config())


def test_a_negative_sweep_interval_is_refused(clean_env):
    clean_env.setenv("ONEVOICE_SWEEP_SECONDS", "-5")
    with pytest.raises(ConfigurationError, match="ONEVOICE_SWEEP_SECONDS: Input should be greater than or equal to 0"):
        load_config()
