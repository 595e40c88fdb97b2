"""``GET /calendar/<token>.ics``: a rep's or manager's subscribed territory calendar.

Every refusal (malformed, unknown or rotated token, disabled user, database trouble) is the same
bare 404, so the answer tells nothing about why. The body is never cached by intermediaries."""
from __future__ import annotations

import logging
import threading

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from models.db import read_session
from services.calendar_feed import calendar_for_token, is_well_formed

LOGGER = logging.getLogger(__name__)
NO_STORE = {"Cache-Control": "private, no-store", "Referrer-Policy": "no-referrer", "X-Robots-Tag": "noindex"}
_engine = None
_engine_lock = threading.Lock()


def _feed_engine():
    """The portal's database, prepared once per process as the portal prepares it (the embedded
    SQLite default is migrated and seeded by whichever of the two asks first)."""
    global _engine
    with _engine_lock:
        if _engine is None:
            from services.bootstrap import prepare_database
            from models.config import load_config

            _engine = prepare_database(load_config().database_url)
        return _engine


def not_found() -> Response:
    return Response(status_code=404, headers=NO_STORE)


def _calendar_bytes(token: str) -> bytes | None:
    with read_session(_feed_engine()) as session:
        return calendar_for_token(token, session=session)


async def calendar_feed(request: Request) -> Response:
    token = request.path_params.get("token")
    if not is_well_formed(token):
        return not_found()
    try:
        body = await run_in_threadpool(_calendar_bytes, token)
    except Exception:  # noqa: BLE001 - logged here; the caller learns nothing
        LOGGER.exception("calendar feed failed")
        return not_found()
    if body is None:
        return not_found()
    headers = {**NO_STORE, "Content-Disposition": 'inline; filename="onevoice.ics"'}
    return Response(body, media_type="text/calendar; charset=utf-8", headers=headers)


def calendar_routes() -> list[Route]:
    return [Route("/calendar/{token}.ics", calendar_feed, methods=["GET", "HEAD"])]
