"""Event check-in, made for a phone at the door: pick the event, search a name, company or e-mail,
tick the attendee in (they become a lead routed to a rep when they are not one), add a walk-in;
after the event, mark the rest as no-shows.

A page file: app.py registers it with st.navigation (see ui/standalone.py)."""
from __future__ import annotations

import streamlit as st

from i18n import _, ngettext
from models.enums import RegistrationStatus, Role
from models.types import utcnow
from queries import registrations as reg_q
from services import registrations as reg
from services.markdown_safety import escape_markdown as md
from ui.actions import run_write, show_flash
from ui.format import when
from ui.labels import label
from ui.field_widgets import business_settings
from ui.reads import fresh_read
from ui.session import require_viewer

PAGE_SIZE = 30
STATUS_MARKS = {"registered": "", "attended": ":material/check_circle: ", "no_show": ":material/cancel: ", "cancelled": "— "}  # bundled icon font: no emoji font needed


def _pick_event(viewer, tz):
    events = fresh_read(reg_q.check_in_events, viewer)
    if not events:
        st.info(_("No event to check in at: none running, upcoming or of the last 30 days."))
        return None
    labels = {e.id: f"{e.title} · {when(e.starts_at, tz)} · {e.territory}" for e in events}
    return st.selectbox(_("Event"), list(labels), format_func=labels.get, key="ci_event")


def _registration_card(viewer, row, tz, open_: bool) -> None:
    with st.container(border=True):
        name = row.contact_name or row.company
        st.markdown(f"{STATUS_MARKS.get(row.status, '')}**{md(name)}**  \n{md(row.company)} · {md(row.email)}")
        if row.status == "attended":
            st.caption(_("Checked in {at}").format(at=when(row.checked_in_at, tz)) +
                       (" · " + _("lead {code}").format(code=md(row.lead_code)) if row.lead_code else ""))
        elif row.status != "registered":
            st.caption(label(row.status, RegistrationStatus))
        elif open_ and st.button(_("Check in"), key=f"ci_tick_{row.id}", type="primary", width="stretch",
                                 icon=":material/how_to_reg:"):
            run_write(lambda s: reg.check_in(viewer, row.id, session=s),
                      lambda lead: _("{name} checked in · lead {code}").format(name=name, code=lead.code),
                      rerun=True)


def _walk_in(viewer, event_id: int) -> None:
    with st.expander(_("Add a walk-in"), icon=":material/person_add:"):
        with st.form("ci_walk_in", clear_on_submit=True, border=False):
            email = st.text_input(_("E-mail"), key="ci_wi_email")
            company = st.text_input(_("Company"), key="ci_wi_company")
            name = st.text_input(_("Name"), key="ci_wi_name")
            phone = st.text_input(_("Phone"), key="ci_wi_phone")
            if st.form_submit_button(_("Check in the walk-in"), type="primary", width="stretch"):
                data = reg.RegistrationInput(email=email, company=company, contact_name=name, phone=phone)
                run_write(lambda s: reg.add_registration(viewer, event_id, data, session=s, walk_in=True),
                          _("Walk-in {email} checked in.").format(email=email.strip()), rerun=True)


def render() -> None:
    viewer = require_viewer(Role.rep, Role.manager, Role.marketer, Role.admin)
    st.title(_("Event check-in"))
    show_flash()
    # Read first, then draw: the door's state is read fresh (a tick elsewhere shows at once), in
    # one short session, and no session is held while the widgets draw.
    tz = business_settings().tz
    event_id = _pick_event(viewer, tz)
    if event_id is None:
        return
    search = st.text_input(_("Search name, company or e-mail"), key="ci_search",
                           placeholder=_("e.g. Kim, Hanbit, @hanbit.co.kr"))
    door = fresh_read(reg.door_view, viewer, event_id, search=search, limit=PAGE_SIZE)
    event, refusal, page = door.event, door.refusal, door.registrations
    st.caption(_("{attended} of {total} checked in · {venue}").format(
        attended=door.attended, total=door.total, venue=md(event.venue or "—")))
    if refusal:
        st.warning(md(refusal))
    else:
        _walk_in(viewer, event_id)
    for row in page.rows:
        _registration_card(viewer, row, tz, open_=refusal is None)
    if page.total > len(page.rows):
        st.caption(_("First {n} of {total}; search to narrow the list.").format(n=len(page.rows), total=page.total))
    elif not page.rows:
        st.caption(_("Nobody matches.") if search else _("No registrations yet."))
    if refusal and event.ends_at <= utcnow():
        if st.button(_("Mark everyone not checked in as no-show"), key="ci_no_shows", width="stretch"):
            run_write(lambda s: reg.mark_no_shows(viewer, event_id, session=s),
                      lambda n: ngettext("{n} registration marked as no-show.",
                                         "{n} registrations marked as no-show.", n).format(n=n), rerun=True)


if __name__ == "__main__":  # run by st.navigation: see ui/standalone.py
    from ui.standalone import run_page

    run_page(render)
