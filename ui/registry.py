"""Which pages exist and which roles may see them.

A page the role may not see is never registered with ``st.navigation`` for that user, so it does
not exist for them; every page function additionally starts from ``ui.session.require_viewer``,
and every query it calls re-checks the viewer's scope.

To add a page: write ``pages/<name>.py`` with a ``render()`` function that ends in
``if __name__ == "__main__": run_page(render)`` (see ui/standalone.py), then add a ``PageSpec`` here.
Pages are registered as *files*, so Streamlit's public ``AppTest.switch_page`` opens them in tests.
A url_path must never equal a module name under pages/: Streamlit also auto-discovers that folder,
and a page hash shared by both would run the bare module instead of app.py (a test checks this).
"""
from __future__ import annotations

from dataclasses import dataclass

from i18n import N_
from models.enums import Role

ALL = tuple(Role)
FIELD = (Role.rep, Role.manager)
MARKETING = (Role.marketer, Role.admin)
LEADERSHIP = (Role.executive, Role.admin)
ADMIN = (Role.admin,)


@dataclass(frozen=True)
class PageSpec:
    module: str        # module under pages/ that defines render()
    title: str         # N_(): translated where shown
    url_path: str
    roles: tuple[Role, ...]
    section: str       # N_(): translated where shown
    icon: str = ""

    @property
    def script(self) -> str:
        """The page's file, relative to app.py (what st.Page and AppTest.switch_page take)."""
        return f"pages/{self.module}.py"


PAGES: list[PageSpec] = [
    PageSpec("home", N_("My day"), "my-day", ALL, N_("Home"), ":material/today:"),
    PageSpec("account", N_("My account"), "my-account", ALL, N_("Home"), ":material/person:"),
    PageSpec("inbox", N_("Inbox"), "my-inbox", ALL, N_("Home"), ":material/notifications:"),
    PageSpec("territory_events", N_("Territory events"), "events", FIELD, N_("Field"), ":material/event:"),
    PageSpec("campaign_notes", N_("Campaign notes"), "notes", FIELD, N_("Field"), ":material/campaign:"),
    PageSpec("lead_queue", N_("Lead queue"), "leads", FIELD, N_("Field"), ":material/inbox:"),
    PageSpec("field_activity", N_("Field activity"), "activity", FIELD, N_("Field"), ":material/directions_walk:"),
    PageSpec("my_accounts", N_("My accounts"), "accounts", FIELD, N_("Field"), ":material/business:"),
    PageSpec("field_feedback", N_("Feedback to marketing"), "feedback-to-marketing", FIELD, N_("Field"), ":material/feedback:"),
    PageSpec("team", N_("Team"), "my-team", (Role.manager,), N_("Field"), ":material/groups:"),
    PageSpec("check_in", N_("Event check-in"), "event-check-in", (*FIELD, *MARKETING), N_("Field"), ":material/how_to_reg:"),
    PageSpec("dashboard", N_("Executive dashboard"), "executive-dashboard", LEADERSHIP, N_("Insights"), ":material/monitoring:"),
    PageSpec("campaigns", N_("Campaigns & events"), "marketing-campaigns", MARKETING, N_("Marketing"), ":material/campaign:"),
    PageSpec("notes_editor", N_("Notes editor"), "campaign-notes", MARKETING, N_("Marketing"), ":material/edit_note:"),
    PageSpec("event_registrations", N_("Event registrations"), "event-registrations", MARKETING, N_("Marketing"),
             ":material/groups:"),
    PageSpec("lead_import", N_("Import leads"), "import-leads", MARKETING, N_("Marketing"), ":material/upload_file:"),
    PageSpec("routing", N_("Lead routing"), "lead-routing", (Role.marketer, Role.admin, Role.manager), N_("Marketing"),
             ":material/alt_route:"),
    PageSpec("black_hole", N_("Black hole"), "black-hole", MARKETING, N_("Marketing"), ":material/cyclone:"),
    PageSpec("feedback_inbox", N_("Feedback inbox"), "feedback-inbox", MARKETING, N_("Marketing"), ":material/inbox:"),
    PageSpec("admin_users", N_("Users"), "admin-users", ADMIN, N_("Admin"), ":material/manage_accounts:"),
    PageSpec("admin_territories", N_("Territories"), "admin-territories", ADMIN, N_("Admin"), ":material/map:"),
    PageSpec("admin_settings", N_("Settings & targets"), "admin-settings", ADMIN, N_("Admin"), ":material/tune:"),
    PageSpec("audit_log", N_("Audit log"), "admin-audit-log", ADMIN, N_("Admin"), ":material/history:"),
    PageSpec("data_transfer", N_("Data in & out"), "admin-data", ADMIN, N_("Admin"), ":material/import_export:"),
]


DEFAULT_URL_PATH = "my-day"
# The two navigations that are not a role's: no session yet, and a password that must change first.
SIGN_IN = PageSpec("sign_in", N_("Sign in"), "sign-in", ALL, "")
CHANGE_PASSWORD = PageSpec("change_password", N_("Choose a new password"), "change-password", ALL, "")


def pages_for(role: Role) -> list[PageSpec]:
    return [p for p in PAGES if role in p.roles]


def requested_url_path() -> str | None:
    """The page address the browser asked for in this run (Streamlit's page manager keeps it;
    None when the run was not started by an address, e.g. a widget)."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    try:
        return ctx.pages_manager.intended_page_name or None
    except AttributeError:  # no run context (bare mode) or another Streamlit version
        return None


UNAVAILABLE_NOTICE_KEY = "ov_unavailable_page"


def explain_unavailable_page(viewer, shown_url_path: str) -> None:
    """Opening another role's page by its address lands on My day; say so instead of silently.

    The address is known only in the run the browser started; the cookie component reruns the
    app right after, so the notice is kept in the session until the user moves to another page."""
    import streamlit as st

    from i18n import _

    wanted = requested_url_path()
    shown = shown_url_path or DEFAULT_URL_PATH
    spec = next((p for p in PAGES if p.url_path == wanted), None) if wanted and wanted != shown else None
    if spec is not None and viewer.role not in spec.roles:
        st.session_state[UNAVAILABLE_NOTICE_KEY] = (spec.url_path, shown)
    notice = st.session_state.get(UNAVAILABLE_NOTICE_KEY)
    if notice is None:
        return
    if notice[1] != shown:  # the user has moved on
        del st.session_state[UNAVAILABLE_NOTICE_KEY]
        return
    spec = next(p for p in PAGES if p.url_path == notice[0])
    here = next((p.title for p in PAGES if p.url_path == shown), shown)
    st.info(_("“{page}” is not available to your role ({role}), so you are on {here} instead.")
            .format(page=_(spec.title), role=_(viewer.role.value), here=_(here)))
