"""Import lead lists: upload, map columns, preview every problem row, confirm, download the rejects,
see where the leads were routed, undo a batch.

Page modules only define functions; app.py registers ``render`` with st.navigation.
"""
from __future__ import annotations

import streamlit as st

from i18n import _
from models.db import read_session
from models.enums import Role
from models.settings_store import load_settings
from queries import marketing
from services import lead_import
from services.lead_import_parsing import (
    CHOOSABLE_ENCODINGS, FIELD_LABELS, LEAD_FIELDS, auto_mapping, open_lead_file, read_header,
)
from services.markdown_safety import escape_markdown as md
from ui.actions import reported_errors, run_write_then_rerun, show_flash
from ui.campaign_picker import pick_campaign
from ui.format import when
from ui.session import app_engine, require_viewer

MARKETING = (Role.marketer, Role.admin)
PREVIEW_KEY = "imp_preview"
RESULT_KEY = "imp_result"


def _progress_bar(label: str):
    bar = st.progress(0.0, text=label)

    def update(done: int, total: int) -> None:
        bar.progress(min(1.0, done / total) if total else 1.0, text=f"{label} {done:,} of {total:,} rows")
    return update


def _mapping(headers: list[str], file_id: str) -> dict[str, int | None]:
    guessed = auto_mapping(headers)
    options = [None, *range(len(headers))]
    st.markdown("**Columns** — matched automatically; change any that is wrong.")
    cols = st.columns(len(LEAD_FIELDS))
    return {field: col.selectbox(FIELD_LABELS[field], options, index=options.index(guessed[field]),
                                 format_func=lambda i: "— not in the file —" if i is None else headers[i] or f"column {i + 1}",
                                 key=f"imp_map_{field}_{file_id}")
            for field, col in zip(LEAD_FIELDS, cols)}


def _problem_rows(report) -> list[dict]:
    return [{"Row": p.row_no, "Problem": "; ".join(p.reasons), "Company": p.values["company"],
             "Email": p.values["email"], "Name": p.values["contact_name"], "Territory": p.values["territory"]}
            for p in report.problems]


def _routing_summary(report) -> None:
    rows = [{"Rep": rep, "Leads": n} for rep, n in report.assigned_by_rep.items()]
    if report.unassigned:
        rows.append({"Rep": "Unassigned (routing queue)", "Leads": report.unassigned})
    if rows:
        st.table(rows)  # a few lines: a plain table keeps the rep names readable (and copyable)


def _rejects_download(report, filename: str, key: str) -> None:
    if report.rejected_rows:
        stem = filename.rsplit(".", 1)[0]
        st.download_button(f"Download the {report.rejected_rows} rejected rows (CSV)", report.rejects_csv,
                           file_name=f"{stem}-rejects.csv", mime="text/csv", key=key, icon=":material/download:")


def _preview_and_confirm(viewer, session, campaign_id: int, event_id: int | None, uploaded) -> None:
    with reported_errors():
        chosen = None
        if uploaded.name.lower().endswith(".csv"):
            chosen = st.selectbox(_("Text encoding"), [None, *CHOOSABLE_ENCODINGS],
                                  format_func=lambda e: _("detect automatically") if e is None else e,
                                  key=f"imp_encoding_{uploaded.file_id}")
        lead_file = open_lead_file(uploaded.name, uploaded.getvalue(), encoding=chosen)
        if lead_file.encoding_guessed:
            st.warning(_("This file is neither UTF-8 nor Korean (CP949) text. It was read as {encoding}, "
                         "which is a guess: check the names in the preview, or choose the encoding the file "
                         "was saved in above.").format(encoding=lead_file.encoding))
        headers = read_header(lead_file)
        encoding = f", {lead_file.encoding}" if lead_file.encoding else ""
        st.caption(f"{md(uploaded.name)}: {lead_file.kind.upper()}{encoding}, {len(headers)} columns")
        mapping = _mapping(headers, uploaded.file_id)
        signature = (uploaded.file_id, tuple(mapping.items()), campaign_id, event_id, lead_file.encoding)
        if st.button("Check the file", key="imp_check"):
            report = lead_import.preview_import(viewer, lead_file, mapping, campaign_id=campaign_id,
                                                event_id=event_id, session=session,
                                                progress=_progress_bar("Checking"))
            st.session_state[PREVIEW_KEY] = (signature, report)
        stored = st.session_state.get(PREVIEW_KEY)
        if not stored or stored[0] != signature:
            return
        report = stored[1]
        c1, c2, c3 = st.columns(3)
        c1.metric("Rows in the file", f"{report.total_rows:,}")
        c2.metric("Ready to import", f"{report.good_rows:,}")
        c3.metric("Rows with problems", f"{report.rejected_rows:,}")
        if report.problems:
            st.markdown("**Rows that will not be imported**")
            st.dataframe(_problem_rows(report), hide_index=True, width="stretch")
            if report.rejected_rows > len(report.problems):
                st.caption(f"First {len(report.problems)} shown; the download has all {report.rejected_rows}.")
        _rejects_download(report, uploaded.name, "imp_rejects_preview")
        st.markdown("**Where the good rows will go**")
        _routing_summary(report)
        if st.button(f"Import {report.good_rows:,} leads", type="primary", disabled=report.good_rows == 0,
                     key="imp_confirm"):
            progress = _progress_bar("Importing")
            result = run_write_then_rerun(lambda s: lead_import.import_leads(viewer, lead_file, mapping, campaign_id=campaign_id,
                                                                  event_id=event_id, session=s, progress=progress),
                               lambda r: f"Imported {r.good_rows:,} leads as batch {r.batch_id}.", rerun=False)
            if result is not None:
                st.session_state[RESULT_KEY] = (uploaded.name, result)
                st.session_state.pop(PREVIEW_KEY, None)
                st.rerun()


def _last_result(viewer, session) -> None:
    stored = st.session_state.get(RESULT_KEY)
    if not stored:
        return
    filename, result = stored
    st.subheader(f"Batch {result.batch_id}: {result.good_rows:,} imported, {result.rejected_rows:,} rejected")
    _rejects_download(result, filename, "imp_rejects_result")
    _routing_summary(result)
    page = marketing.leads_of_batch(viewer, result.batch_id, session=session, limit=100)
    st.dataframe([{"Lead": r.code, "Company": r.company, "Name": r.contact_name or "", "Territory": r.territory or "—",
                   "Assigned to": r.rep or "unassigned"} for r in page.rows], hide_index=True, width="stretch")
    if page.total > len(page.rows):
        st.caption(f"First {len(page.rows)} of {page.total:,} leads.")


def _batches(viewer, session, tz) -> None:
    st.subheader("Import batches")
    page = marketing.import_batches(viewer, session=session, limit=20)
    if not page.rows:
        st.caption("No imports yet.")
        return
    st.dataframe([{"Batch": b.id, "Campaign": b.campaign, "Event": b.event or "", "File": b.filename,
                   "Imported": when(b.created_at, tz), "By": b.created_by or "", "Leads": b.row_count,
                   "Undone": when(b.undone_at, tz)} for b in page.rows], hide_index=True, width="stretch")
    open_batches = {b.id: f"Batch {b.id} · {b.filename} ({b.row_count} leads)" for b in page.rows if not b.undone_at}
    if not open_batches:
        return
    batch_id = st.selectbox(_("Undo a batch (only while none of its leads has been worked)"), list(open_batches),
                            index=None, format_func=open_batches.get, placeholder=_("Choose the batch to undo"),
                            key="imp_undo_batch")
    if batch_id is None:
        return
    batch = next(b for b in page.rows if b.id == batch_id)
    confirm = st.checkbox(_("Yes, delete the {n} leads of batch {batch} ({file}) for good")
                          .format(n=batch.row_count, batch=batch.id, file=batch.filename), key=f"imp_undo_ok_{batch_id}")
    if st.button(_("Undo import"), disabled=not confirm, key="imp_undo"):
        run_write_then_rerun(lambda s: lead_import.undo_batch(viewer, batch_id, session=s),
                             lambda n: _("Batch {batch} undone: {n} leads removed.").format(batch=batch_id, n=n))


def render() -> None:
    viewer = require_viewer(*MARKETING)
    st.title("Import leads")
    st.caption("CSV (UTF-8 or Korean Excel's CP949) or XLSX with a header row. Nothing is written until you confirm.")
    show_flash()
    with read_session(app_engine()) as session:
        tz = load_settings(session=session).tz
        campaign_id = pick_campaign(viewer, session=session, key="imp", include_cancelled=False)
        if campaign_id is not None:
            events = dict(marketing.event_choices(viewer, campaign_id, session=session))
            event_id = st.selectbox("Event (optional)", [None, *events],
                                    format_func=lambda e: "— none —" if e is None else events[e], key="imp_event")
            uploaded = st.file_uploader("Lead list", type=["csv", "xlsx"], key="imp_file")
            if uploaded is not None:
                _preview_and_confirm(viewer, session, campaign_id, event_id, uploaded)
        _last_result(viewer, session)
        _batches(viewer, session, tz)


if __name__ == "__main__":  # run on its own by Streamlit: see ui/standalone.py
    from ui.standalone import send_to_app

    send_to_app()
