"""Admin: the whole database in and out as a zipped CSV bundle; erasing a person's data."""
from __future__ import annotations


import streamlit as st

from models.db import write_session
from models.types import utcnow
from models.enums import Role
from models.errors import NotFound, ValidationFailed
from services import admin
from services.markdown_safety import escape_markdown as md
from services.privacy import erase_lead_personal_data
from ui.session import app_engine, require_viewer
from i18n import _, ngettext


def _import(viewer) -> None:
    st.subheader(_("Import a bundle"))
    st.caption(_("A .zip of the bundle's CSV files (docs/BUNDLE.md). Every row is checked first; "
               "if any is wrong nothing is written and every problem is listed."))
    upload = st.file_uploader(_("Bundle (.zip)"), type=["zip"], key="dt_upload")
    if upload is None or not st.button(_("Validate and import"), key="dt_import", type="primary"):
        return
    try:
        with st.spinner(_("Checking and importing…")):
            report = admin.import_bundle_upload(viewer, upload.getvalue(), filename=upload.name, engine=app_engine())
    except ValidationFailed as exc:
        st.error(ngettext("Nothing was imported: {n} problem.", "Nothing was imported: {n} problems.", len(exc.problems)).format(
            n=len(exc.problems)))
        st.code("\n".join(exc.problems[:500]), language=None)
        return
    st.success(ngettext("Imported {n:,} row.", "Imported {n:,} rows.", report.total_rows).format(n=report.total_rows))
    st.code("\n".join(report.lines()), language=None)


def _export(viewer) -> None:
    st.subheader(_("Export the whole database"))
    if st.button(_("Prepare bundle (.zip)"), key="dt_export"):
        with st.spinner(_("Exporting…")):
            data = admin.export_bundle_download(viewer, engine=app_engine())
        st.download_button(_("Download bundle"), data, file_name=f"onevoice-bundle-{utcnow():%Y-%m-%d}.zip",
                           mime="application/zip", key="dt_download", on_click="ignore")


def _erase(viewer) -> None:
    st.subheader(_("Erase a person's data (PIPA request)"))
    st.caption(_("Removes the lead's contact name, e-mail and phone. The lead and every number stay; the "
               "audit log records the erasure, not the erased values."))
    with st.form("dt_erase", clear_on_submit=True):
        code = st.text_input(_("Lead code"))
        reason = st.text_input(_("Request reference / reason"))
        if not st.form_submit_button(_("Erase personal data")):
            return
    try:
        with write_session(app_engine()) as session:
            erase_lead_personal_data(viewer, code.strip(), session=session, reason=reason)
        st.success(_("Personal data of lead {code} erased.").format(code=md(code)))
    except (ValidationFailed, NotFound) as exc:
        st.error(md(str(exc)))


def render() -> None:
    viewer = require_viewer(Role.admin)
    st.title(_("Data in and out"))
    _import(viewer)
    _export(viewer)
    _erase(viewer)


if __name__ == "__main__":  # run by st.navigation: see ui/standalone.py
    from ui.standalone import run_page

    run_page(render)
