"""Which pages exist and which roles may see them.

A page the role may not see is never registered with ``st.navigation`` for that user, so it does
not exist for them; every page function additionally starts from ``ui.session.require_viewer``,
and every query it calls re-checks the viewer's scope.

To add a page: write ``pages/<name>.py`` with a ``render()`` function, then add a ``PageSpec`` here.
A url_path must never equal a module name under pages/: Streamlit also auto-discovers that folder,
and a page hash shared by both would run the bare module instead of app.py (a test checks this).
"""
from __future__ import annotations

from dataclasses import dataclass

from models.enums import Role

ALL = tuple(Role)
FIELD = (Role.rep, Role.manager)
MARKETING = (Role.marketer, Role.admin)
LEADERSHIP = (Role.executive, Role.admin)
ADMIN = (Role.admin,)


@dataclass(frozen=True)
class PageSpec:
    module: str        # module under pages/ that defines render()
    title: str
    url_path: str
    roles: tuple[Role, ...]
    section: str
    icon: str = ""
    function: str = "render"


PAGES: list[PageSpec] = [
    PageSpec("home", "My day", "my-day", ALL, "Home", ":material/today:"),
    PageSpec("account", "My account", "my-account", ALL, "Home", ":material/person:"),
    PageSpec("territory_events", "Territory events", "events", FIELD, "Field", ":material/event:"),
    PageSpec("campaign_notes", "Campaign notes", "notes", FIELD, "Field", ":material/campaign:"),
    PageSpec("lead_queue", "Lead queue", "leads", FIELD, "Field", ":material/inbox:"),
    PageSpec("field_activity", "Field activity", "activity", FIELD, "Field", ":material/directions_walk:"),
    PageSpec("my_accounts", "My accounts", "accounts", FIELD, "Field", ":material/business:"),
    PageSpec("field_feedback", "Feedback to marketing", "feedback-to-marketing", FIELD, "Field", ":material/feedback:"),
    PageSpec("team", "Team", "my-team", (Role.manager,), "Field", ":material/groups:"),
    PageSpec("check_in", "Event check-in", "event-check-in", (*FIELD, *MARKETING), "Field", ":material/how_to_reg:"),
    PageSpec("dashboard", "Executive dashboard", "executive-dashboard", LEADERSHIP, "Insights", ":material/monitoring:"),
    PageSpec("campaigns", "Campaigns & events", "marketing-campaigns", MARKETING, "Marketing", ":material/campaign:"),
    PageSpec("notes_editor", "Notes editor", "campaign-notes", MARKETING, "Marketing", ":material/edit_note:"),
    PageSpec("event_registrations", "Event registrations", "event-registrations", MARKETING, "Marketing",
             ":material/groups:"),
    PageSpec("lead_import", "Import leads", "import-leads", MARKETING, "Marketing", ":material/upload_file:"),
    PageSpec("routing", "Lead routing", "lead-routing", (Role.marketer, Role.admin, Role.manager), "Marketing",
             ":material/alt_route:"),
    PageSpec("black_hole", "Black hole", "black-hole", MARKETING, "Marketing", ":material/cyclone:"),
    PageSpec("feedback_inbox", "Feedback inbox", "feedback-inbox", MARKETING, "Marketing", ":material/inbox:"),
    PageSpec("admin_users", "Users", "admin-users", ADMIN, "Admin", ":material/manage_accounts:"),
    PageSpec("admin_territories", "Territories", "admin-territories", ADMIN, "Admin", ":material/map:"),
    PageSpec("admin_settings", "Settings & targets", "admin-settings", ADMIN, "Admin", ":material/tune:"),
    PageSpec("audit_log", "Audit log", "admin-audit-log", ADMIN, "Admin", ":material/history:"),
    PageSpec("data_transfer", "Data in & out", "admin-data", ADMIN, "Admin", ":material/import_export:"),
]


DEFAULT_URL_PATH = "my-day"


def pages_for(role: Role) -> list[PageSpec]:
    return [p for p in PAGES if role in p.roles]
