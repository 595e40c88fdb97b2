"""How a page file knows whether app.py sent it.

Every page is a file under pages/ that app.py registers with ``st.navigation`` (so tests open it
with Streamlit's public ``AppTest.switch_page``). Its last line is
``if __name__ == "__main__": run_page(render)``: Streamlit runs page files as ``__main__``.

Streamlit also auto-discovers pages/ and, on a freshly started server, runs a page file for the
first visitor of its address before app.py's st.navigation has ever run — without the sign-in
gate. So a page draws only inside app.py's ``through_navigation()``; run any other way it sends
the visitor on to app.py (the sign-in gate and the role's navigation) instead.
"""
from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import streamlit as st

_state = threading.local()   # a script run happens on one thread from start to end


@contextmanager
def through_navigation() -> Iterator[None]:
    """app.py runs the chosen page inside this."""
    _state.active = True
    try:
        yield
    finally:
        _state.active = False


def run_page(render: Callable[[], None]) -> None:
    if getattr(_state, "active", False):
        render()
    else:
        st.switch_page("app.py")
