"""The sign-in cookie: the key that signs it (the secret) and the token in it.

The key is ONEVOICE_COOKIE_KEY, else Streamlit secrets' ``cookie_key``, else a random key kept in
the data folder. The token is ``services.session_token`` (username, issue time, expiry), written
through streamlit-authenticator's cookie component, read back from the request's cookies.
"""
from __future__ import annotations

import os
import secrets
from datetime import datetime, timedelta, timezone

import streamlit as st

from models.config import load_config
from models.errors import ConfigurationError
from services import session_token

COOKIE_NAME = "onevoice_session"
MIN_COOKIE_KEY_LENGTH = 32


def cookie_key() -> str:
    """ONEVOICE_COOKIE_KEY, else Streamlit secrets' ``cookie_key``, else a random key kept in data/."""
    configured = load_config().cookie_key
    key = configured.get_secret_value() if configured else None
    if not key:
        try:
            key = st.secrets.get("cookie_key")
        except Exception:  # noqa: BLE001 - no secrets file is the normal case
            key = None
    if not key:
        path = load_config().data_dir / "cookie_key"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as fh:
                fh.write(secrets.token_urlsafe(48))
        key = path.read_text().strip()
    if len(key) < MIN_COOKIE_KEY_LENGTH:
        raise ConfigurationError(f"the cookie key must be at least {MIN_COOKIE_KEY_LENGTH} characters")
    return key


def cookie_claims(key: str) -> tuple[str, datetime] | None:
    """(username, issued_at) of a well-signed, unexpired cookie that carries its issue time."""
    return session_token.decode(st.context.cookies.get(COOKIE_NAME), key)


def delete_cookie(authenticator) -> bool:
    """Ask the browser to delete the cookie through the library's component; True once the
    browser has answered that it did (the component's value), False until then."""
    component = authenticator.cookie_controller.cookie_model.cookie_manager.cookie_manager
    return bool(component(method="delete", cookie=COOKIE_NAME, key="delete", default=False))


def write_cookie(authenticator, username: str, issued_at: datetime) -> None:
    """Our token (with its issue time) through the library's cookie component."""
    days = load_config().cookie_expiry_days
    token = session_token.encode(username, cookie_key(), issued_at=issued_at, lifetime_days=days)
    cookie_model = authenticator.cookie_controller.cookie_model
    # The browser keeps the cookie by its own clock; the token's expiry is checked on ours.
    browser_expiry = datetime.now(timezone.utc) + timedelta(days=days)
    cookie_model.cookie_manager.set(COOKIE_NAME, token, expires_at=browser_expiry)
