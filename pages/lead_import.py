"""Import lead lists: upload, map columns, preview every problem row, confirm, download the rejects,
see where the leads were routed, undo a batch.

A page file: app.py registers it with st.navigation (see ui/standalone.py).
"""
from __future__ import annotations

import streamlit as st

from models.enums import Role
from queries import marketing
from services import lead_import
from services.lead_import_parsing import (
    CHOOSABLE_ENCODINGS, FIELD_LABELS, LEAD_FIELDS, auto_mapping, open_lead_file, read_header,
)
from services.markdown_safety import escape_markdown as md
from ui.actions import reported_errors, run_write_then_rerun, show_flash
from ui.campaign_picker import pick_campaign
from ui.format import when
from ui.field_widgets import business_settings
from ui.reads import fresh_read
from ui.session import require_viewer
from ui.tables import dataframe
from i18n import _, ngettext

MARKETING = (Role.marketer, Role.admin)
PREVIEW_KEY = "imp_preview"
RESULT_KEY = "imp_result"


def _progress_bar(label: str):
    bar = st.progress(0.0, text=label)

    def update(done: int, total: int) -> None:
        bar.progress(min(1.0, done / total) if total else 1.0, text=_("{step} {done:,} of {total:,} rows").format(step=label, done=done, total=total))
    return update


def _mapping(headers: list[str], file_id: str) -> dict[str, int | None]:
    guessed = auto_mapping(headers)
    options = [None, *range(len(headers))]
    st.markdown(_("**Columns** — matched automatically; change any that is wrong."))
    cols = st.columns(len(LEAD_FIELDS))
    return {field: col.selectbox(_(FIELD_LABELS[field]), options, index=options.index(guessed[field]),
                                 format_func=lambda i: _("— not in the file —") if i is None else headers[i] or _("column {n}").format(n=i + 1),
                                 key=f"imp_map_{field}_{file_id}")
            for field, col in zip(LEAD_FIELDS, cols)}


def _problem_rows(report) -> list[dict]:
    return [{_("Row"): p.row_no, _("Problem"): "; ".join(p.reasons), _("Company"): p.values["company"],
             _("Email"): p.values["email"], _("Name"): p.values["contact_name"], _("Territory"): p.values["territory"]}
            for p in report.problems]


def _routing_summary(report) -> None:
    rows = [{_("Rep"): rep, _("Leads"): n} for rep, n in report.assigned_by_rep.items()]
    if report.unassigned:
        rows.append({_("Rep"): _("Unassigned (routing queue)"), _("Leads"): report.unassigned})
    if rows:
        st.table(rows)  # a few lines: a plain table keeps the rep names readable (and copyable)


def _rejects_download(report, filename: str, key: str) -> None:
    if report.rejected_rows:
        stem = filename.rsplit(".", 1)[0]
        st.download_button(ngettext("Download the {n} rejected row (CSV)", "Download the {n} rejected rows (CSV)",
                                    report.rejected_rows).format(n=report.rejected_rows), report.rejects_csv,
                           file_name=f"{stem}-rejects.csv", mime="text/csv", key=key, icon=":material/download:",
                           on_click="ignore")


def _preview_and_confirm(viewer, campaign_id: int, event_id: int | None, uploaded) -> None:
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
        st.caption(_("{name}: {upper}{encoding}, {len} columns").format(
            name=md(uploaded.name), upper=lead_file.kind.upper(), encoding=encoding, len=len(headers)))
        mapping = _mapping(headers, uploaded.file_id)
        signature = (uploaded.file_id, tuple(mapping.items()), campaign_id, event_id, lead_file.encoding)
        if st.button(_("Check the file"), key="imp_check"):
            report = fresh_read(lead_import.preview_import, viewer, lead_file, mapping, campaign_id=campaign_id,
                                event_id=event_id, progress=_progress_bar(_("Checking")))
            st.session_state[PREVIEW_KEY] = (signature, report)
        stored = st.session_state.get(PREVIEW_KEY)
        if not stored or stored[0] != signature:
            return
        report = stored[1]
        c1, c2, c3 = st.columns(3)
        c1.metric(_("Rows in the file"), f"{report.total_rows:,}")
        c2.metric(_("Ready to import"), f"{report.good_rows:,}")
        c3.metric(_("Rows with problems"), f"{report.rejected_rows:,}")
        if report.problems:
            st.markdown(_("**Rows that will not be imported**"))
            st.dataframe(_problem_rows(report), hide_index=True, width="stretch")
            if report.rejected_rows > len(report.problems):
                st.caption(_("First {len} shown; the download has all {rejected_rows}.").format(len=len(report.problems), rejected_rows=report.rejected_rows))
        _rejects_download(report, uploaded.name, "imp_rejects_preview")
        st.markdown(_("**Where the good rows will go**"))
        _routing_summary(report)
        if st.button(ngettext("Import {n:,} lead", "Import {n:,} leads", report.good_rows).format(n=report.good_rows), type="primary", disabled=report.good_rows == 0,
                     key="imp_confirm"):
            progress = _progress_bar(_("Importing"))
            result = run_write_then_rerun(lambda s: lead_import.import_leads(viewer, lead_file, mapping, campaign_id=campaign_id,
                                                                  event_id=event_id, session=s, progress=progress),
                               lambda r: ngettext("Imported {n:,} lead as batch {batch_id}.", "Imported {n:,} leads as batch {batch_id}.",
                                                  r.good_rows).format(n=r.good_rows, batch_id=r.batch_id), rerun=False)
            if result is not None:
                st.session_state[RESULT_KEY] = (uploaded.name, result)
                st.session_state.pop(PREVIEW_KEY, None)
                st.rerun()


def _last_result(viewer) -> None:
    stored = st.session_state.get(RESULT_KEY)
    if not stored:
        return
    filename, result = stored
    st.subheader(_("Batch {batch_id}: {good_rows:,} imported, {rejected_rows:,} rejected").format(batch_id=result.batch_id, good_rows=result.good_rows, rejected_rows=result.rejected_rows))
    _rejects_download(result, filename, "imp_rejects_result")
    _routing_summary(result)
    page = fresh_read(marketing.leads_of_batch, viewer, result.batch_id, limit=100)
    dataframe([{_("Lead"): r.code, _("Company"): r.company, _("Name"): r.contact_name or "", _("Territory"): r.territory or "—",
                _("Assigned to"): r.rep or _("unassigned")} for r in page.rows], hide_index=True, width="stretch")
    if page.total > len(page.rows):
        st.caption(ngettext("First {shown} of {n:,} lead.", "First {shown} of {n:,} leads.", page.total).format(
            shown=len(page.rows), n=page.total))


def _batches(viewer, tz) -> None:
    st.subheader(_("Import batches"))
    page = fresh_read(marketing.import_batches, viewer, limit=20)
    if not page.rows:
        st.caption(_("No imports yet."))
        return
    dataframe([{_("Batch"): b.id, _("Campaign"): b.campaign, _("Event"): b.event or "", _("File"): b.filename,
                _("Imported"): when(b.created_at, tz), _("By"): b.created_by or "", _("Leads"): b.row_count,
                _("Undone"): when(b.undone_at, tz)} for b in page.rows], hide_index=True, width="stretch")
    open_batches = {b.id: ngettext("Batch {id} · {file} ({n} lead)", "Batch {id} · {file} ({n} leads)", b.row_count).format(
        id=b.id, file=b.filename, n=b.row_count) for b in page.rows if not b.undone_at}
    if not open_batches:
        return
    batch_id = st.selectbox(_("Undo a batch (only while none of its leads has been worked)"), list(open_batches),
                            index=None, format_func=open_batches.get, placeholder=_("Choose the batch to undo"),
                            key="imp_undo_batch")
    if batch_id is None:
        return
    batch = next(b for b in page.rows if b.id == batch_id)
    confirm = st.checkbox(ngettext("Yes, delete the {n} lead of batch {batch} ({file}) for good",
                                   "Yes, delete the {n} leads of batch {batch} ({file}) for good", batch.row_count)
                          .format(n=batch.row_count, batch=batch.id, file=md(batch.filename)), key=f"imp_undo_ok_{batch_id}")
    if st.button(_("Undo import"), disabled=not confirm, key="imp_undo"):
        run_write_then_rerun(lambda s: lead_import.undo_batch(viewer, batch_id, session=s),
                             lambda n: ngettext("Batch {batch_id} undone: {n} lead removed.",
                                                "Batch {batch_id} undone: {n} leads removed.", n).format(batch_id=batch_id, n=n))


def render() -> None:
    viewer = require_viewer(*MARKETING)
    st.title(_("Import leads"))
    st.caption(_("CSV (UTF-8 or Korean Excel's CP949) or XLSX with a header row. Nothing is written until you confirm."))
    show_flash()
    tz = business_settings().tz
    campaign_id = pick_campaign(viewer, key="imp", include_cancelled=False)
    if campaign_id is not None:
        events = dict(fresh_read(marketing.event_choices, viewer, campaign_id))
        event_id = st.selectbox(_("Event (optional)"), [None, *events],
                                format_func=lambda e: _("— none —") if e is None else events[e], key="imp_event")
        uploaded = st.file_uploader(_("Lead list"), type=["csv", "xlsx"], key="imp_file")
        if uploaded is not None:
            _preview_and_confirm(viewer, campaign_id, event_id, uploaded)
    _last_result(viewer)
    _batches(viewer, tz)


if __name__ == "__main__":  # run by st.navigation: see ui/standalone.py
    from ui.standalone import run_page

    run_page(render)
