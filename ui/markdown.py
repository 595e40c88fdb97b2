"""Showing user-written Markdown safely (see services.markdown_safety)."""
import streamlit as st

from services.markdown_safety import sanitize_markdown


def show_markdown(text: str | None) -> None:
    st.markdown(sanitize_markdown(text), unsafe_allow_html=False)
