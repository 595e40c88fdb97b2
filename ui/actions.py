"""Running a write from a page: one transaction, the services' refusals shown as messages (never
a traceback), and a confirmation that survives the rerun the write triggers."""
from __future__ import annotations

from contextlib import contextmanager
from typing import Callable, TypeVar

import streamlit as st

from models.db import write_session
from models.errors import NotFound, StaleEdit, ValidationFailed
from queries.scope import AccessDenied
from services.markdown_safety import escape_markdown as md
from ui.session import app_engine

T = TypeVar("T")
FLASH_KEY = "ov_flash"


def flash(message: str) -> None:
    """Show ``message`` once, after the next rerun."""
    st.session_state[FLASH_KEY] = message


def show_flash() -> None:
    message = st.session_state.pop(FLASH_KEY, None)
    if message:
        st.success(md(message))


@contextmanager
def reported_errors():
    """Turn the services' errors into messages on the page instead of tracebacks."""
    try:
        yield
    except ValidationFailed as exc:
        for problem in exc.problems:
            st.error(md(problem))
    except (StaleEdit, AccessDenied, NotFound) as exc:
        st.error(md(str(exc)))


def run_write(action: Callable[..., T], success: str | Callable[[T], str] | None = None, *,
              rerun: bool = False) -> T | None:
    """Run ``action(session)`` in one write transaction. On a refusal the problems are shown and
    nothing is written; on success ``success`` is confirmed (a toast now, a message after the next
    rerun) and, with ``rerun``, the page reruns — after the commit, never inside it."""
    done, result = False, None
    with reported_errors():
        with write_session(app_engine()) as session:
            result = action(session)
        done = True
    if not done:
        return None
    if success:
        message = success if isinstance(success, str) else success(result)
        st.toast(md(message))
        flash(message)
    if rerun:
        st.rerun()
    return result


def run_write_then_rerun(action: Callable[..., T], success: str | Callable[[T], str], *, rerun: bool = True) -> T | None:
    """``run_write`` that reruns the page after a successful write (forms that must redraw)."""
    return run_write(action, success, rerun=rerun)
