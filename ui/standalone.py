"""What a page module does when Streamlit runs it on its own.

Streamlit also auto-discovers pages/ and, on a freshly started server, runs a page file for the
first visitor of its address before app.py's st.navigation has ever run. Page modules only define
functions, so that run shows no data; this sends the visitor on to app.py — the sign-in gate and
the role's navigation — instead of leaving them on a blank page.
"""
import streamlit as st


def send_to_app() -> None:
    st.switch_page("app.py")
