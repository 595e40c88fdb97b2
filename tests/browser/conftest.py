"""Fixtures of the browser tests (real Chromium on a real `streamlit run app.py`)."""
from __future__ import annotations

import pytest


@pytest.fixture(scope="module")
def demo_server(sqlite_template, tmp_path_factory):
    """A real `streamlit run app.py` on the demo data, for one module's browser tests:
    yields (base URL, database URL)."""
    from tests.browser_support import require_chromium, seeded_demo_sqlite, streamlit_server

    require_chromium()
    data = tmp_path_factory.mktemp("browser")
    url = seeded_demo_sqlite(sqlite_template, data)
    with streamlit_server(url, data) as base:
        yield base, url
