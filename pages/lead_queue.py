"""Lead queue: the leads marketing handed to me (a manager: to my territory's reps), most urgent
first, with the response deadline and a live "due in / overdue by"; and working one lead —
contact attempt, status move, convert to an opportunity, disqualify."""
from __future__ import annotations

from datetime import timedelta

import streamlit as st

from models.enums import DisqualifyReason, LeadStatus, RejectReason, Role
from models.timefmt import local_date
from models.types import utcnow
from queries import accounts as queries_accounts
from queries import lead_queue as queue_q
from queries.lead_queue import STATUS_FILTERS
from queries.reject_reasons import reason_label
from services import acceptance, leads
from services.markdown_safety import escape_markdown as md
from ui.reads import cached_read, fresh_read
from queries.scope import AccessDenied
from ui.actions import run_write, show_flash
from ui.field_widgets import business_settings, page_offset, pager, rep_filter
from ui.format import when
from ui.session import require_viewer
from ui.labels import label, labeller, reason_text
from ui.tables import arrow_rows, dataframe
from models.enums import ActivityKind
from i18n import N_, _

PAGE_SIZE = 25
TABLE_KEY = "lq_table"
PICKED = "lq_picked"
WORKING = "lq_working"


FILTER_LABELS = {"open": N_("Open (new, working, qualified)"), "all": N_("All")}
OVERDUE_MARK = "●"


def _status_filter_label(value: str) -> str:
    return _(FILTER_LABELS[value]) if value in FILTER_LABELS else label(value, LeadStatus)


def _due_cell(row, now) -> str:
    text = row.due_label(now)
    return f"{OVERDUE_MARK} {text}" if row.is_overdue(now) else text


OVERDUE_COLOUR, DUE_COLOUR = "#b42318", "#eef0f4"


def _queue_frame(rows, now, tz):
    """The table, Status and Due first (a phone shows them without scrolling sideways), and its
    column settings: Due is a one-label column, red for an overdue lead (marked ● too), grey
    otherwise. An Arrow table (ui/tables.py), coloured by its column's options, not a pandas Styler
    tinting the rows: Streamlit renders a Styler's styles to CSS on every rerun, 10-14 ms for 25
    rows against 0.1 ms for the table (bench/README.md, eleventh session)."""
    due = [_due_cell(r, now) for r in rows]
    table = arrow_rows(
        [{_("Status"): label(r.status, LeadStatus), _("Due"): [text], _("Company"): r.company,
          _("Lead"): r.code, _("Contact"): r.contact_name or "", _("Deadline"): when(r.deadline, tz),
          _("Assigned"): when(r.assigned_at, tz), _("Rep"): r.rep or "—", _("Campaign"): r.campaign}
         for r, text in zip(rows, due)])
    colours = {text: OVERDUE_COLOUR if r.is_overdue(now) else DUE_COLOUR for r, text in zip(rows, due)}
    config = {_("Due"): st.column_config.MultiselectColumn(
        options=list(colours), color=list(colours.values()),
        help=_("● overdue: not touched by the response deadline"))}
    return table, config


@st.fragment(run_every=60)
def _queue_table(rows, tz) -> None:
    """Re-drawn every minute so "due in / overdue by" stays live. Selecting a row opens that lead
    (a whole-app rerun: the work panel is outside this fragment)."""
    table, config = _queue_frame(rows, utcnow(), tz)
    event = st.dataframe(table, column_config=config, hide_index=True, width="stretch", on_select="rerun",
                         selection_mode="single-row", key=TABLE_KEY)
    picked = tuple(event.selection.rows) if event is not None else ()
    # Act on a new selection only: after a write the rows shift under an unchanged selection.
    if picked != st.session_state.get(PICKED) and picked and picked[0] < len(rows):
        st.session_state[PICKED] = picked
        st.session_state[WORKING] = rows[picked[0]].id
        st.rerun(scope="app")
    st.session_state[PICKED] = picked


def _opened_version(lead) -> int:
    """The version this person opened; a write against an older one is refused as stale."""
    return st.session_state.setdefault(f"lq_opened_{lead.id}", lead.version)


def _after_write(lead_id: int, result) -> None:
    if result is not None:
        st.session_state.pop(f"lq_opened_{lead_id}", None)
        st.rerun()


def _contact_form(viewer, lead) -> None:
    with st.form(f"lq_contact_{lead.id}", clear_on_submit=True):
        st.markdown(_("**Log a contact attempt**"))
        kind = st.segmented_control(_("How"), [k.value for k in leads.CONTACT_KINDS], default="call",
                                    format_func=labeller(ActivityKind),
                                    key=f"lq_contact_kind_{lead.id}")
        notes = st.text_area(_("Notes"), max_chars=2000, key=f"lq_contact_notes_{lead.id}")
        if st.form_submit_button(_("Log contact attempt"), width="stretch"):
            _after_write(lead.id, run_write(
                lambda s: leads.log_contact_attempt(viewer, lead.id, session=s, kind=kind or "call", notes=notes),
                success=_("Contact attempt logged on {code}.").format(code=lead.code)))


def _status_form(viewer, lead) -> None:
    moves = [s.value for s in leads.next_statuses(lead.status)
             if s not in (LeadStatus.converted, LeadStatus.disqualified)]
    if not moves:
        return
    with st.form(f"lq_status_{lead.id}"):
        st.markdown(_("**Move status**"))
        target = st.selectbox(_("New status"), moves, key=f"lq_status_to_{lead.id}", format_func=labeller(LeadStatus))
        if st.form_submit_button(_("Move"), width="stretch"):
            _after_write(lead.id, run_write(
                lambda s: leads.move_status(viewer, lead.id, target, expected_version=_opened_version(lead),
                                            session=s),
                success=_("{code} is now {status}.").format(code=lead.code, status=label(target, LeadStatus))))


NEW_ACCOUNT = 0


def _account_options(viewer, lead, detail) -> tuple[dict[int, str], int]:
    """The accounts the new deal may belong to (and "a new account"), with the preselected one:
    the lead's account, else an account named like the lead's company, else a new account."""
    accounts = dict(fresh_read(queries_accounts.linkable_accounts, viewer, limit=200))
    if detail.account_id is not None and detail.account_id not in accounts:
        accounts[detail.account_id] = lead.account or f"#{detail.account_id}"
    options = {NEW_ACCOUNT: _("➕ A new account (name it below)"), **accounts}
    if detail.account_id is not None:
        return options, detail.account_id
    same = next((i for i, n in accounts.items() if n.strip().lower() == lead.company.strip().lower()), None)
    return options, same if same is not None else NEW_ACCOUNT


def _convert_form(viewer, lead, detail, tz) -> None:
    if LeadStatus.converted not in leads.next_statuses(lead.status):
        return
    options, preselected = _account_options(viewer, lead, detail)
    with st.form(f"lq_convert_{lead.id}"):
        st.markdown(_("**Convert to an opportunity**"))
        name = st.text_input(_("Deal name"), value=f"{lead.company} — ", max_chars=300, key=f"lq_deal_{lead.id}")
        account = st.selectbox(_("Account of the deal"), list(options), index=list(options).index(preselected),
                               format_func=options.get, key=f"lq_account_{lead.id}")
        new_account = st.text_input(_("New account name"), value=lead.company, max_chars=300,
                                    help=_("Used only when “a new account” is chosen above."),
                                    key=f"lq_new_account_{lead.id}")
        amount = st.text_input(_("Amount"), placeholder=_("e.g. 45,000,000 or 4,500만"), key=f"lq_amount_{lead.id}")
        close = st.date_input(_("Expected close date"), value=local_date(utcnow(), tz) + timedelta(days=30),
                              key=f"lq_close_{lead.id}")
        if st.form_submit_button(_("Convert"), type="primary", width="stretch"):
            _after_write(lead.id, run_write(
                lambda s: leads.convert_lead(viewer, lead.id, deal_name=name, amount=amount, expected_close_on=close,
                                             expected_version=_opened_version(lead), session=s,
                                             account_id=None if account == NEW_ACCOUNT else account,
                                             new_account=new_account if account == NEW_ACCOUNT else None),
                success=_("{code} converted: the opportunity “{name}” was created.").format(code=lead.code, name=name.strip())))


def _disqualify_form(viewer, lead) -> None:
    if LeadStatus.disqualified not in leads.next_statuses(lead.status):
        return
    with st.form(f"lq_disqualify_{lead.id}"):
        st.markdown(_("**Disqualify**"))
        reason = st.selectbox(_("Reason"), [r.value for r in DisqualifyReason], index=None,
                              placeholder=_("Choose a reason"), format_func=labeller(DisqualifyReason),
                              key=f"lq_reason_{lead.id}")
        text = st.text_input(_("Explanation (required for “other”)"), max_chars=500, key=f"lq_reason_text_{lead.id}")
        if st.form_submit_button(_("Disqualify"), width="stretch"):
            _after_write(lead.id, run_write(
                lambda s: leads.disqualify_lead(viewer, lead.id, reason=reason, text=text,
                                                expected_version=_opened_version(lead), session=s),
                success=_("{code} disqualified.").format(code=lead.code)))


def _answer_form(viewer, lead) -> None:
    """A lead just handed to me: accept it, or hand it back to marketing with a reason."""
    st.markdown(_("**Your answer** — accept the lead, or reject it with a reason"))
    left, right = st.columns(2)
    if left.button(_("Accept lead"), type="primary", key=f"lq_accept_{lead.id}"):
        _after_write(lead.id, run_write(
            lambda s: acceptance.accept_lead(viewer, lead.id, expected_version=_opened_version(lead), session=s),
            success=_("Lead {code} accepted.").format(code=lead.code)))
    with right.form(f"lq_reject_{lead.id}"):
        reason = st.selectbox(_("Reason for rejecting"), [r.value for r in RejectReason], index=None,
                              placeholder=_("Choose a reason"), format_func=reason_label,
                              key=f"lq_reject_reason_{lead.id}")
        note = st.text_input(_("Note for marketing (required for “other”)"), max_chars=1000,
                             key=f"lq_reject_note_{lead.id}")
        if st.form_submit_button(_("Reject lead")):
            _after_write(lead.id, run_write(
                lambda s: acceptance.reject_lead(viewer, lead.id, reason=reason, note=note,
                                                 expected_version=_opened_version(lead), session=s),
                success=_("Lead {code} rejected and returned to marketing.").format(code=lead.code)))


def _work_panel(viewer, lead_id: int, tz) -> None:
    detail = fresh_read(queue_q.lead_for, viewer, lead_id)
    lead, now = detail.lead, utcnow()
    st.subheader(f"{md(lead.code)} · {md(lead.company)}")
    with st.container(horizontal=True, gap="large"):
        st.metric(_("Status"), label(lead.status, LeadStatus), width="content")
        st.metric(_("Response"), lead.due_label(now), width="content")
    st.write(_("**Handed to sales** {assigned_at} · **Deadline** {deadline} · **First touch** {first_touch_at}").format(
        assigned_at=when(lead.assigned_at, tz) or '—', deadline=when(lead.deadline, tz) or '—',
        first_touch_at=when(lead.first_touch_at, tz) or '—'))
    st.write(_("**Contact** {contact_name} · {email} · {phone}").format(
        contact_name=md(lead.contact_name or '—'), email=md(lead.email or '—'), phone=md(lead.phone or '—')))
    st.write(_("**Campaign** {campaign} · **Event** {event} · **Account** {account} · **Rep** {rep}").format(
        campaign=md(lead.campaign), event=md(lead.event or '—'), account=md(lead.account or '—'),
        rep=md(lead.rep or '—')))
    if detail.disqualify_reason:
        st.write(_("**Disqualified** {disqualify_reason}").format(
            disqualify_reason=md(reason_text(detail.disqualify_reason))))
    if detail.opportunity:
        st.write(_("**Opportunity** {opportunity} (converted {converted_at})").format(
            opportunity=md(detail.opportunity), converted_at=when(detail.converted_at, tz)))
    if _opened_version(lead) != lead.version:
        st.warning(_("This lead was changed by someone else since you opened it. Reload it before you act."))
        if st.button(_("Reload this lead"), key=f"lq_reload_{lead.id}"):
            st.session_state[f"lq_opened_{lead.id}"] = lead.version
            st.rerun()
    if lead.status == LeadStatus.new and viewer.role is Role.rep and detail.assigned_to_id == viewer.id:
        _answer_form(viewer, lead)
    if lead.is_open:
        left, right = st.columns(2)
        with left:
            _contact_form(viewer, lead)
            _status_form(viewer, lead)
        with right:
            _convert_form(viewer, lead, detail, tz)
            _disqualify_form(viewer, lead)
    elif lead.status == LeadStatus.disqualified:
        _status_form(viewer, lead)
    if detail.activities:
        st.markdown(_("**Activity on this lead**"))
        dataframe([{_("When"): when(a[0], tz), _("Kind"): label(a[1], ActivityKind), _("By"): a[2], _("Notes"): a[3] or ""}
                   for a in detail.activities], hide_index=True, width="stretch")


def _open_linked_lead(viewer) -> None:
    """?lead=CODE (a notification's link) opens that lead's work panel, once."""
    code = st.query_params.get("lead")
    if not code or st.session_state.get("lq_linked") == code:
        return
    st.session_state["lq_linked"] = code
    lead_id = fresh_read(queue_q.lead_id_by_code, viewer, code)
    if lead_id is None:
        st.info(_("Lead {code} is not in your queue (any more).").format(code=code))
    else:
        st.session_state[WORKING] = lead_id


def render() -> None:
    viewer = require_viewer(Role.rep, Role.manager)
    settings = business_settings()
    st.title(_("Lead queue"))
    show_flash()
    # The lead being worked comes first (on a phone it would otherwise sit below the whole table)
    # and is kept apart from the table's selection: a write can move it to another page of the
    # queue (touched leads sort after untouched ones); the panel stays on it.
    _open_linked_lead(viewer)    # before the panel is drawn: the link's own run opens it
    working = st.session_state.get(WORKING)
    if working is not None:
        try:
            _work_panel(viewer, working, settings.tz)
        except AccessDenied:
            st.session_state.pop(WORKING, None)
            st.info(_("That lead is no longer in your queue (it was reassigned)."))
        else:
            if st.button(_("Close this lead"), key="lq_close_panel", icon=":material/close:"):
                st.session_state.pop(WORKING, None)
                st.rerun()
        st.divider()
    cols = st.columns([3, 1, 2] if viewer.role is Role.manager else [3, 1])
    search = cols[0].text_input(_("Search code, company, contact or e-mail"), key="lq_search", max_chars=100)
    status = cols[1].selectbox(_("Status"), STATUS_FILTERS, key="lq_status", format_func=_status_filter_label)
    rep_id = None
    if viewer.role is Role.manager:
        with cols[2]:
            rep_id = rep_filter(viewer, "lq_rep")
    offset = page_offset("lq_page", (search, status, rep_id), PAGE_SIZE)
    result = cached_read(queue_q.lead_queue, viewer, search=search or None, status=status, rep_id=rep_id,
                         limit=PAGE_SIZE, offset=offset)
    overdue = cached_read(queue_q.overdue_count, viewer, rep_id=rep_id)
    st.caption(_("Response deadline: fixed when the lead was handed to sales, by the SLA policy then in force · "
                 "{overdue} overdue and untouched · times in {tz}").format(overdue=overdue, tz=settings.time_zone))
    if not result.rows:
        st.info(_("No leads match.") if search else _("No leads in your queue."))
        return
    if st.session_state.get(WORKING) is None:
        st.caption(_("Select a lead's row to work on it."))
    _queue_table(result.rows, settings.tz)
    pager(result, "lq_page", N_("leads"))


if __name__ == "__main__":  # run by st.navigation: see ui/standalone.py
    from ui.standalone import run_page

    run_page(render)
