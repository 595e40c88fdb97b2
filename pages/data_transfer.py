"""Admin: the whole database in and out as a zipped CSV bundle; erasing a person's data."""
from __future__ import annotations


import streamlit as st

from models.db import write_session
from models.types import utcnow
from models.enums import Role
from services import admin
from services.errors import NotFound, ValidationFailed
from services.privacy import erase_lead_personal_data
from ui.session import app_engine, require_viewer


def _import(viewer) -> None:
    st.subheader("Import a bundle")
    st.caption("A .zip of the bundle's CSV files (docs/BUNDLE.md). Every row is checked first; "
               "if any is wrong nothing is written and every problem is listed.")
    upload = st.file_uploader("Bundle (.zip)", type=["zip"], key="dt_upload")
    if upload is None or not st.button("Validate and import", key="dt_import", type="primary"):
        return
    try:
        with st.spinner("Checking and importing…"):
            report = admin.import_bundle_upload(viewer, upload.getvalue(), filename=upload.name, engine=app_engine())
    except ValidationFailed as exc:
        st.error(f"Nothing was imported: {len(exc.problems)} problem(s).")
        st.code("\n".join(exc.problems[:500]), language=None)
        return
    st.success(f"Imported {report.total_rows:,} rows.")
    st.code("\n".join(report.lines()), language=None)


def _export(viewer) -> None:
    st.subheader("Export the whole database")
    if st.button("Prepare bundle (.zip)", key="dt_export"):
        with st.spinner("Exporting…"):
            data = admin.export_bundle_download(viewer, engine=app_engine())
        st.download_button("Download bundle", data, file_name=f"onevoice-bundle-{utcnow():%Y-%m-%d}.zip",
                           mime="application/zip", key="dt_download")


def _erase(viewer) -> None:
    st.subheader("Erase a person's data (PIPA request)")
    st.caption("Removes the lead's contact name, e-mail and phone. The lead and every number stay; the "
               "audit log records the erasure, not the erased values.")
    with st.form("dt_erase", clear_on_submit=True):
        code = st.text_input("Lead code")
        reason = st.text_input("Request reference / reason")
        if not st.form_submit_button("Erase personal data"):
            return
    try:
        with write_session(app_engine()) as session:
            erase_lead_personal_data(viewer, code.strip(), session=session, reason=reason)
        st.success(f"Personal data of lead {code} erased.")
    except (ValidationFailed, NotFound) as exc:
        st.error(str(exc))


def render() -> None:
    viewer = require_viewer(Role.admin)
    st.title("Data in and out")
    _import(viewer)
    _export(viewer)
    _erase(viewer)


if __name__ == "__main__":  # run on its own by Streamlit: see ui/standalone.py
    from ui.standalone import send_to_app

    send_to_app()
