"""Which language this rerun speaks: the signed-in user's choice, else the browser's.

Set once per rerun from app.py, before anything is drawn; widget callbacks (which run before the
script) read the same choice from the session through the fallback provider.
"""
from __future__ import annotations

import streamlit as st

import i18n

LANGUAGE_KEY = "ov_language"


def _from_session() -> str | None:
    try:
        return st.session_state.get(LANGUAGE_KEY)
    except Exception:  # noqa: BLE001 - outside a script run there is no session
        return None


i18n.set_fallback_provider(_from_session)


def browser_language() -> str | None:
    try:
        return i18n.normalise_language(st.context.locale)
    except Exception:  # noqa: BLE001 - AppTest and old browsers send no locale
        return None


def apply_language(viewer=None) -> str:
    """Decide and set the language of this rerun; returns 'ko' or 'en'."""
    chosen = i18n.normalise_language(getattr(viewer, "language", None)) if viewer is not None else None
    language = chosen or browser_language() or i18n.DEFAULT_LANGUAGE
    st.session_state[LANGUAGE_KEY] = language
    i18n.set_language(language)
    return language
