"""Widgets shared by the marketing pages: the campaign picker, people-friendly errors, flash messages."""
from __future__ import annotations

from contextlib import contextmanager

import streamlit as st

from models.db import write_session
from queries import marketing
from queries.scope import AccessDenied, Viewer
from services.errors import NotFound, StaleEdit, ValidationFailed
from ui.session import app_engine

FLASH_KEY = "mk_flash"


def pick_campaign(viewer: Viewer, *, session, key: str, label: str = "Campaign",
                  include_cancelled: bool = True) -> int | None:
    """A search box and a select box of the matching campaigns (newest first); the chosen id."""
    search = st.text_input("Find a campaign", key=f"{key}_search", placeholder="name or code")
    choices = marketing.campaign_choices(viewer, session=session, search=search, include_cancelled=include_cancelled)
    if not choices:
        st.info("No campaign matches. Create one on the Campaigns page.")
        return None
    labels = dict(choices)
    return st.selectbox(label, list(labels), format_func=labels.get, key=f"{key}_campaign")


def flash(message: str) -> None:
    """Show ``message`` after the next rerun (a write usually ends with st.rerun())."""
    st.session_state[FLASH_KEY] = message


def show_flash() -> None:
    message = st.session_state.pop(FLASH_KEY, None)
    if message:
        st.success(message)


@contextmanager
def reported_errors():
    """Turn the services' errors into messages on the page instead of tracebacks."""
    try:
        yield
    except ValidationFailed as exc:
        for problem in exc.problems:
            st.error(problem)
    except (StaleEdit, AccessDenied, NotFound) as exc:
        st.error(str(exc))


def run_write(action, success: str, *, rerun: bool = True):
    """Run ``action(session)`` in one write transaction; on success flash ``success`` and rerun.
    The rerun happens after the commit (a rerun inside the transaction would roll it back)."""
    result = None
    done = False
    with reported_errors():
        with write_session(app_engine()) as session:
            result = action(session)
        done = True
    if done:
        flash(success if isinstance(success, str) else success(result))
        if rerun:
            st.rerun()
    return result if done else None
