"""Hardening on SQLite and PostgreSQL: lockout, session epochs, passwords, uploads, exports,
personal data, the append-only audit log and SQL built only from bound parameters."""
import io
import re
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlmodel import Session, select

from models.db import write_session
from models.enums import Role
from models.errors import NotFound, ValidationFailed
from models.tables import AuditLog, Lead, LoginThrottle
from models.types import utcnow
from queries.scope import AccessDenied, Viewer
from services import admin, auth
from services.markdown_safety import sanitize_markdown
from services.privacy import erase_lead_personal_data
from services.spreadsheet_export import csv_bytes, neutralise_formula, xlsx_bytes
from tests.factories import Builder, utc
from tests.zip_support import zip_bytes

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "correct-horse-battery"


@pytest.fixture
def people(engine):
    with Builder(engine) as b:
        sel = b.territory("SEL")
        boss = b.user("boss", Role.admin, password_hash=auth.hash_password(PASSWORD))
        rep = b.user("rep1", Role.rep, sel, password_hash=auth.hash_password(PASSWORD))
        mkt = b.user("mkt", Role.marketer, password_hash=auth.hash_password(PASSWORD))
        c = b.campaign("C1")
        lead = b.lead(c, created_at=utc(2026, 1, 1), territory=sel, company="ACME", email="kim@acme.kr",
                      contact_name="김민준")
        lead.phone = "010-1234-5678"
    return {"admin": Viewer.of(boss), "rep": Viewer.of(rep), "marketer": Viewer.of(mkt), "lead_code": lead.code}


def _attempt(engine, username, password, now=None):
    with write_session(engine) as s:
        return auth.sign_in(username, password, session=s, now=now)


def test_five_failures_lock_the_username_for_15_minutes_even_for_the_right_password(engine, people):
    now = utcnow()
    for _ in range(4):
        assert _attempt(engine, "rep1", "wrong", now).message == auth.GENERIC_FAILURE
    assert _attempt(engine, "rep1", "wrong", now).message == auth.LOCKED_MESSAGE
    assert not _attempt(engine, "rep1", PASSWORD, now + timedelta(minutes=14, seconds=59)).ok
    # The lock is a database row: another process (a fresh engine/session) sees it too.
    with Session(engine) as s:
        assert s.get(LoginThrottle, "rep1").locked_until > now
    assert _attempt(engine, "rep1", PASSWORD, now + timedelta(minutes=15, seconds=1)).ok


def test_unknown_and_known_usernames_fail_and_lock_alike(engine, people):
    now = utcnow()
    known = [_attempt(engine, "rep1", "wrong", now).message for _ in range(5)]
    unknown = [_attempt(engine, "ghost", "wrong", now).message for _ in range(5)]
    assert known == unknown == [auth.GENERIC_FAILURE] * 4 + [auth.LOCKED_MESSAGE]


def test_disabled_user_with_the_right_password_gets_the_generic_message(engine, people):
    with write_session(engine) as s:
        admin.disable_user(people["admin"], "rep1", session=s)
    assert _attempt(engine, "rep1", PASSWORD).message == auth.GENERIC_FAILURE


def test_sessions_issued_before_the_epoch_are_refused(engine, people):
    issued = utcnow() - timedelta(minutes=5)
    with Session(engine) as s:
        assert auth.session_is_valid("rep1", issued, session=s)
    with write_session(engine) as s:
        auth.sign_out("rep1", session=s)
    with Session(engine) as s:
        assert not auth.session_is_valid("rep1", issued, session=s)          # the old cookie
        assert auth.session_is_valid("rep1", utcnow() + timedelta(seconds=1), session=s)  # a new sign-in
        assert not auth.session_is_valid("ghost", issued, session=s)


def test_the_gates_one_read_gives_the_viewer_only_while_the_session_holds(engine, people):
    issued = utcnow() - timedelta(minutes=5)
    with Session(engine) as s:
        viewer = auth.session_viewer("rep1", issued, session=s)
        assert (viewer.username, viewer.role) == ("rep1", Role.rep)
        assert auth.session_viewer("ghost", issued, session=s) is None
    with write_session(engine) as s:
        auth.sign_out("rep1", session=s)
    with Session(engine) as s:
        assert auth.session_viewer("rep1", issued, session=s) is None
        assert auth.session_viewer("rep1", utcnow() + timedelta(seconds=1), session=s).username == "rep1"
    with write_session(engine) as s:
        admin.disable_user(people["admin"], "rep1", session=s)
    with Session(engine) as s:
        assert auth.session_viewer("rep1", utcnow() + timedelta(days=1), session=s) is None


def test_disabling_and_role_change_end_sessions(engine, people):
    issued = utcnow() - timedelta(seconds=5)
    with write_session(engine) as s:
        admin.update_user(people["admin"], "mkt", session=s, display_name="M", email=None, role="executive",
                          territory_code=None, manager_username=None)
        admin.disable_user(people["admin"], "rep1", session=s)
    with Session(engine) as s:
        assert not auth.session_is_valid("mkt", issued, session=s)
        assert not auth.session_is_valid("rep1", utcnow() + timedelta(days=1), session=s)


def test_own_password_change_needs_current_password_12_chars_and_not_the_username(engine, people):
    for current, new in ((f"{PASSWORD}x", "a-new-long-password"), (PASSWORD, "short"), (PASSWORD, "rep1"),
                         (PASSWORD, "REP1")):
        with pytest.raises(ValidationFailed):
            with write_session(engine) as s:
                auth.change_own_password("rep1", current, new, session=s)
    with write_session(engine) as s:
        auth.change_own_password("rep1", PASSWORD, "a-new-long-password", session=s)
    assert _attempt(engine, "rep1", "a-new-long-password").ok


def test_erasing_personal_data_keeps_the_lead_and_logs_no_personal_values(engine, people):
    with pytest.raises(AccessDenied):
        with write_session(engine) as s:
            erase_lead_personal_data(people["rep"], people["lead_code"], session=s, reason="PIPA-1")
    with write_session(engine) as s:
        erase_lead_personal_data(people["admin"], people["lead_code"], session=s, reason="PIPA-2026-001")
    with Session(engine) as s:
        lead = s.exec(select(Lead).where(Lead.code == people["lead_code"])).one()
        assert (lead.contact_name, lead.email, lead.phone) == (None, None, None)
        assert lead.company == "ACME" and lead.territory_id is not None
        entry = s.exec(select(AuditLog).where(AuditLog.action == "erase_personal_data")).one()
        assert "kim@acme.kr" not in entry.detail and "김민준" not in entry.detail and "010-" not in entry.detail
    with pytest.raises(NotFound):
        with write_session(engine) as s:
            erase_lead_personal_data(people["admin"], "NOPE", session=s, reason="x")


def test_zip_uploads_with_paths_outside_the_folder_or_too_big_are_refused_before_unpacking(engine, people,
                                                                                          monkeypatch):
    from services.bundle.export import export_bundle_zip
    before = export_bundle_zip(engine=engine)
    for name in ("../territories.csv", "/etc/territories.csv", "a/../../territories.csv"):
        with pytest.raises(ValidationFailed, match="unsafe path"):
            admin.import_bundle_upload(people["admin"], zip_bytes({name: b"code,name\nX,Y\n"}), filename="b.zip",
                                       engine=engine)
    monkeypatch.setenv("ONEVOICE_MAX_UNZIPPED_MB", "1")
    bomb = zip_bytes({"territories.csv": b"code,name\n" + b"A" * (2 * 1024 * 1024) + b",x\n"})
    assert len(bomb) < 100_000
    with pytest.raises(ValidationFailed, match="limit"):
        admin.import_bundle_upload(people["admin"], bomb, filename="b.zip", engine=engine)
    with pytest.raises(ValidationFailed, match="not a zip"):
        admin.import_bundle_upload(people["admin"], b"code,name\n", filename="b.zip", engine=engine)
    with pytest.raises(ValidationFailed, match="expected a .zip"):
        admin.import_bundle_upload(people["admin"], zip_bytes({}), filename="b.csv", engine=engine)
    monkeypatch.setenv("ONEVOICE_MAX_UPLOAD_MB", "0")
    with pytest.raises(ValidationFailed, match="more than the limit"):
        admin.import_bundle_upload(people["admin"], zip_bytes({"territories.csv": b"code,name\nX,Y\n"}),
                                   filename="b.zip", engine=engine)
    with pytest.raises(AccessDenied):
        admin.import_bundle_upload(people["rep"], zip_bytes({}), filename="b.zip", engine=engine)
    after = export_bundle_zip(engine=engine)
    assert _bundle_rows(before) == _bundle_rows(after)


def _bundle_rows(zip_bytes: bytes) -> dict[str, set[str]]:
    with zipfile.ZipFile(io.BytesIO(zip_bytes)) as z:
        return {n: set(z.read(n).decode("utf-8").splitlines()) for n in z.namelist() if "audit" not in n}


@pytest.mark.parametrize("cell", ["=HYPERLINK(\"http://x\")", "+1+1", "-2+3", "@SUM(A1)", "\t=1"])
def test_spreadsheet_exports_neutralise_formulas(cell):
    assert neutralise_formula(cell) == "'" + cell
    text = csv_bytes(["value"], [[cell], [-5], ["plain"]]).decode("utf-8-sig").splitlines()
    assert text[1].strip('"').startswith("'") and text[2] == "-5" and text[3] == "plain"
    wb = load_workbook(io.BytesIO(xlsx_bytes(["value"], [[cell], [42]])))
    ws = wb.active
    assert ws["A2"].value == "'" + cell and ws["A3"].value == 42 and ws["A2"].data_type == "s"


@pytest.mark.parametrize("payload", ["<script>window.__xss=1</script>", "<img src=x onerror=alert(1)>",
                                     "[click](javascript:alert(1))", "[x]( JaVaScRiPt:alert(1))",
                                     "![pic](javascript:alert(1))", "<a href=\"javascript:alert(1)\">a</a>"])
def test_markdown_keeps_no_raw_html_or_script_links(payload):
    safe = sanitize_markdown(f"Hello **team**\n\n{payload}")
    assert "<" not in safe and "](javascript" not in safe.lower().replace(" ", "")
    assert "**team**" in safe


def test_no_code_updates_or_deletes_audit_entries():
    pattern = re.compile(r"(update|delete)\(\s*AuditLog|AuditLog\)\.(update|delete)|"
                         r"(UPDATE|DELETE FROM)\s+\"?audit_log", re.IGNORECASE)
    offenders = [str(p) for folder in ("queries", "services", "pages", "ui", "cli", "models")
                 for p in (ROOT / folder).rglob("*.py") if pattern.search(p.read_text())]
    assert offenders == []


def test_sql_text_is_never_built_from_values():
    """Identifiers may be formatted into SQL (table and column names from the bundle spec); values
    never are. Only the bulk loader and the post-upgrade ANALYZE build SQL text at all; the loader
    binds every value."""
    pattern = re.compile(r"(text|exec_driver_sql|execute)\(\s*f[\"']")
    offenders = sorted({str(p.relative_to(ROOT)) for folder in ("queries", "services", "pages", "ui", "cli", "models")
                        for p in (ROOT / folder).rglob("*.py") if pattern.search(p.read_text())})
    # The bulk loader and the post-upgrade ANALYZE (index names from sqlite_master) format quoted
    # identifiers only.
    assert set(offenders) <= {"services/bundle/load.py", "models/migrate.py"}


def test_the_gate_on_a_bare_connection_as_the_server_runs_it(engine, people):
    """ui.session reads the gate on models.db.read_connection (no ORM session): the same answers."""
    from models.db import read_connection

    issued = utcnow() - timedelta(minutes=5)
    with read_connection(engine) as conn:
        viewer, must_change = auth.session_gate("rep1", issued, session=conn)
        assert (viewer.username, viewer.role, must_change) == ("rep1", Role.rep, False)
        assert auth.session_gate("ghost", issued, session=conn) == (None, False)
    with write_session(engine) as s:
        auth.sign_out("rep1", session=s)
    with read_connection(engine) as conn:
        assert auth.session_gate("rep1", issued, session=conn) == (None, False)
        assert auth.session_gate("rep1", utcnow() + timedelta(seconds=1), session=conn)[0].username == "rep1"
    with write_session(engine) as s:
        admin.disable_user(people["admin"], "rep1", session=s)
    with read_connection(engine) as conn:
        assert auth.session_gate("rep1", utcnow() + timedelta(days=1), session=conn) == (None, False)
