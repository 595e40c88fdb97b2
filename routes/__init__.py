"""HTTP routes served next to the portal by the same server process (``st.App`` in app.py).

No Streamlit here: each route is a Starlette endpoint that reads through services/queries in a
worker thread."""
from __future__ import annotations


def portal_routes() -> list:
    from routes.calendar import calendar_routes

    return [*calendar_routes()]
