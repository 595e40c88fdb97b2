"""The portal's database engine: DATABASE_URL, prepared (migrated, seeded on first start) once per
server process and shared by every session."""
from __future__ import annotations

import streamlit as st

from models.config import load_config


@st.cache_resource(show_spinner=False)
def _engine_for(url: str):
    from services.bootstrap import prepare_database

    return prepare_database(url)


def app_engine():
    """The engine of DATABASE_URL, prepared once per process (see services.bootstrap)."""
    return _engine_for(load_config().database_url)
