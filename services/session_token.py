"""The re-authentication cookie's token: a JWT of the username, the expiry and the issue time.

The issue time (``iat``) is written into the token when it is made, so whether a cookie was
issued before the user's session epoch (sign-out, password change…) never depends on settings
such as the cookie lifetime. A token without ``iat`` (made by the library, or by an older
version of the portal) is refused.

Issue times, expiry and the epoch they are compared with are all on the product clock
(``models.types.utcnow``), so a clock pinned by ``ONEVOICE_NOW`` moves them together.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import jwt

from models.types import utcnow

ALGORITHM = "HS256"


def encode(username: str, key: str, *, issued_at: datetime, lifetime_days: float) -> str:
    expires = issued_at + timedelta(days=lifetime_days)
    return jwt.encode({"username": username, "exp_date": expires.timestamp(), "iat": issued_at.timestamp()},
                      key, algorithm=ALGORITHM)


def decode(token: str | None, key: str, *, now: datetime | None = None) -> tuple[str, datetime] | None:
    """(username, issued_at) of a well-signed, unexpired token that says when it was issued."""
    if not token:
        return None
    now = now or utcnow()   # the product clock: the one the issue time and the session epoch use
    try:
        # The library's "exp_date" is checked below; PyJWT's own "iat" check would refuse a token
        # whose clock is a moment ahead, so the numbers are checked here instead.
        claims = jwt.decode(token, key, algorithms=[ALGORITHM], options={"verify_iat": False})
        username, expires, issued = str(claims["username"]), float(claims["exp_date"]), float(claims["iat"])
    except (jwt.PyJWTError, KeyError, TypeError, ValueError):
        return None
    if expires <= now.timestamp() or issued > expires:
        return None
    return username, datetime.fromtimestamp(issued, timezone.utc)
