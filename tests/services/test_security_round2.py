"""Issue 13, what an attacker found: each test reproduces one attack and shows it now fails.

Lockout under parallel attempts (threads and processes), cookies whose revocation depended on
the cookie lifetime, long passwords that told known from unknown usernames, the password
policy, the CLI creating databases, and the SQLite file's permissions.
"""
from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import textwrap
import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import Session, func, select

from manage import main
from models.db import get_engine, write_session
from models.enums import Role
from models.tables import AuditLog, LoginThrottle
from models.types import utcnow
from services import auth, session_token, users
from models.errors import ValidationFailed
from tests.factories import Builder

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "correct-horse-battery"


@pytest.fixture
def rep(engine):
    with Builder(engine) as b:
        sel = b.territory("SEL")
        b.user("rep1", Role.rep, sel, password_hash=auth.hash_password(PASSWORD))
    return "rep1"


def _attempt(engine, username, password, now=None):
    with write_session(engine) as s:
        return auth.sign_in(username, password, session=s, now=now)


def _audit_count(engine, action, key):
    with Session(engine) as s:
        return s.exec(select(func.count()).select_from(AuditLog)
                      .where(AuditLog.action == action, AuditLog.entity_key == key)).one()


# --- 1. lockout under parallel attempts ---------------------------------------------------------

@pytest.mark.parametrize("username", ["rep1", "ghost"])
def test_parallel_wrong_passwords_in_threads_lock_after_five_checks(engine, rep, username):
    """10 attempts at a time, 4 rounds: only five passwords are ever checked, then it is locked."""
    results: list[str] = []
    for _round in range(4):
        barrier = threading.Barrier(10)

        def attempt(i, barrier=barrier, round_no=_round):
            barrier.wait()
            results.append(_attempt(engine, username, f"wrong-guess-{round_no}-{i}").message)

        threads = [threading.Thread(target=attempt, args=(i,)) for i in range(10)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert len(results) == 40
    assert _audit_count(engine, "sign_in_failed", username) == auth.MAX_FAILED_ATTEMPTS
    assert _audit_count(engine, "sign_in_refused_locked", username) == 40 - auth.MAX_FAILED_ATTEMPTS
    assert results.count(auth.GENERIC_FAILURE) == auth.MAX_FAILED_ATTEMPTS - 1
    assert results.count(auth.LOCKED_MESSAGE) == 40 - (auth.MAX_FAILED_ATTEMPTS - 1)
    # Locked even for the right password.
    assert _attempt(engine, username, PASSWORD).message == auth.LOCKED_MESSAGE
    with Session(engine) as s:
        assert s.get(LoginThrottle, username).locked_until is not None


_WORKER = textwrap.dedent("""
    import json, sys, threading
    from models.db import write_session, get_engine
    from services import auth
    url, username, start_file, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    engine = get_engine(url)
    with engine.connect() as conn:       # connected before the start signal
        conn.exec_driver_sql("SELECT 1")
    import os, time
    while not os.path.exists(start_file):
        time.sleep(0.005)
    out = []
    def go(i):
        with write_session(engine) as s:
            out.append(auth.sign_in(username, f"wrong-{i}", session=s).message)
    threads = [threading.Thread(target=go, args=(i,)) for i in range(n)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    print(json.dumps(out))
""")


def test_parallel_wrong_passwords_from_several_processes_lock_after_five_checks(db_url, engine, rep, tmp_path):
    start = tmp_path / "go"
    procs = [subprocess.Popen([sys.executable, "-c", _WORKER, db_url, "rep1", str(start), "4"], cwd=ROOT,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(5)]
    import time
    time.sleep(3)  # every worker imported and connected
    start.write_text("go")
    messages = []
    for p in procs:
        out, err = p.communicate(timeout=240)
        assert p.returncode == 0, err
        messages += json.loads(out.strip().splitlines()[-1])
    assert len(messages) == 20
    assert _audit_count(engine, "sign_in_failed", "rep1") == auth.MAX_FAILED_ATTEMPTS
    assert messages.count(auth.GENERIC_FAILURE) == auth.MAX_FAILED_ATTEMPTS - 1
    assert _attempt(engine, "rep1", PASSWORD).message == auth.LOCKED_MESSAGE


def test_lock_runs_out_and_a_success_resets_the_count(engine, rep):
    now = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
    for _ in range(5):
        _attempt(engine, "rep1", "wrong", now)
    assert _attempt(engine, "rep1", PASSWORD, now + timedelta(minutes=14)).message == auth.LOCKED_MESSAGE
    assert _attempt(engine, "rep1", PASSWORD, now + timedelta(minutes=15, seconds=1)).ok
    for _ in range(4):
        assert _attempt(engine, "rep1", "wrong", now + timedelta(minutes=16)).message == auth.GENERIC_FAILURE
    assert _attempt(engine, "rep1", PASSWORD, now + timedelta(minutes=16)).ok
    # Failures further apart than the lockout window do not add up.
    later = now + timedelta(hours=2)
    for i in range(4):
        _attempt(engine, "rep1", "wrong", later + timedelta(minutes=16 * i))
    assert _attempt(engine, "rep1", PASSWORD, later + timedelta(minutes=70)).ok


# --- 2. revoked cookies stay revoked whatever the cookie lifetime ------------------------------

KEY = "k" * 40


def test_a_signed_out_cookie_stays_refused_when_the_cookie_lifetime_is_lowered(engine, rep, monkeypatch):
    issued = utcnow() - timedelta(hours=2)
    monkeypatch.setenv("ONEVOICE_COOKIE_DAYS", "7")
    token = session_token.encode("rep1", KEY, issued_at=issued, lifetime_days=7)
    username, seen_issued = session_token.decode(token, KEY)
    assert username == "rep1" and abs((seen_issued - issued).total_seconds()) < 0.01
    with write_session(engine) as s:
        auth.sign_out("rep1", session=s)                 # epoch: now, after the cookie was issued
    for days in ("7", "1", "0.5"):
        monkeypatch.setenv("ONEVOICE_COOKIE_DAYS", days)
        claims = session_token.decode(token, KEY)
        with Session(engine) as s:
            assert claims is not None and not auth.session_is_valid(claims[0], claims[1], session=s)


def test_cookie_without_issue_time_or_with_a_bad_one_is_refused():
    import jwt
    now = utcnow()
    legacy = jwt.encode({"username": "rep1", "exp_date": (now + timedelta(days=7)).timestamp()}, KEY,
                        algorithm="HS256")
    assert session_token.decode(legacy, KEY) is None
    expired = session_token.encode("rep1", KEY, issued_at=now - timedelta(days=8), lifetime_days=7)
    assert session_token.decode(expired, KEY) is None
    forged = session_token.encode("rep1", "x" * 40, issued_at=now, lifetime_days=7)
    assert session_token.decode(forged, KEY) is None
    assert session_token.decode("not-a-token", KEY) is None


def test_the_portal_writes_the_issue_time_into_its_cookie():
    text = (ROOT / "ui" / "cookie.py").read_text()     # the token, split out of ui/session.py
    assert "session_token.encode(" in text and "cookie_controller.set_cookie()" not in text
    assert "cookie_expiry_days)" not in text.split("def cookie_claims")[1].split("def ")[0]


# --- 4. long passwords and the same answer for every failure -----------------------------------

LONG = "긴비밀번호" * 6          # 30 characters, 90 bytes in UTF-8


@pytest.fixture
def bcrypt_calls(monkeypatch):
    import bcrypt
    calls = []
    real = bcrypt.checkpw

    def counting(pw, hashed):
        calls.append(hashed[:7])
        return real(pw, hashed)
    monkeypatch.setattr(auth.bcrypt, "checkpw", counting)
    return calls


def test_every_sign_in_failure_gets_the_same_answer_and_one_full_cost_bcrypt_check(engine, rep, bcrypt_calls):
    with Builder(engine) as b:
        b.user("broken", Role.marketer, password_hash="not-a-bcrypt-hash")
        b.user("nohash", Role.marketer, password_hash=None)
    cases = [("rep1", "wrong-password-1"), ("ghost", "wrong-password-1"), ("rep1", LONG), ("ghost", LONG),
             ("rep1", "x" * 200), ("ghost", "x" * 200), ("broken", "whatever-password"), ("nohash", LONG),
             ("", LONG)]
    for username, password in cases:
        bcrypt_calls.clear()
        result = _attempt(engine, username, password)
        assert (result.ok, result.message) == (False, auth.GENERIC_FAILURE), username
        assert bcrypt_calls == [b"$2b$12$"], (username, password)


def test_long_passwords_get_a_clear_message_in_set_password_my_account_and_the_cli(engine, rep, monkeypatch,
                                                                                    capsys, db_url):
    with pytest.raises(ValidationFailed, match="72 bytes"):
        with write_session(engine) as s:
            users.set_password(session=s, actor="t", username="rep1", password=LONG)
    with pytest.raises(ValidationFailed, match="72 bytes"):
        with write_session(engine) as s:
            auth.change_own_password("rep1", PASSWORD, LONG, session=s)
    with pytest.raises(ValidationFailed, match="current password"):
        with write_session(engine) as s:
            auth.change_own_password("rep1", LONG, "a-new-long-password", session=s)
    with pytest.raises(ValidationFailed, match="72 bytes"):
        auth.hash_password(LONG)
    import io
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.setattr(sys, "stdin", io.StringIO(LONG + "\n"))
    assert main(["set-password", "rep1", "--password-stdin"]) == 2
    err = capsys.readouterr().err
    assert "72 bytes" in err and err.count("\n") == 1
    # 72 bytes exactly still works.
    exact = "가나다라마바사아자차카타" * 2
    with write_session(engine) as s:
        users.set_password(session=s, actor="t", username="rep1", password=exact)
    assert _attempt(engine, "rep1", exact).ok


# --- 9. the password policy ---------------------------------------------------------------------

@pytest.mark.parametrize("password, problem", [
    (" " * 12, "at least 12 characters"),
    ("     abc      ", "at least 12 characters"),
    ("aaaaaaaaaaaaaaaa", "different characters"),
    ("abababababababab", "different characters"),
    ("good-password\x00x", "control characters"),
    ("rep1", "at least 12 characters"),
])
def test_password_policy_refuses_blank_repetitive_and_control_passwords(password, problem):
    problems = auth.password_problems(password, username="rep1")
    assert any(problem in p for p in problems), problems


@pytest.mark.parametrize("password", ["correct-horse-battery", "onevoice-demo-2026", "가나다라마바사아자차카타",
                                      "  leading-space-ok"])
def test_password_policy_accepts_ordinary_passwords(password):
    assert auth.password_problems(password, username="rep1") == []


def test_twelve_spaces_are_refused_everywhere(engine, rep):
    with pytest.raises(ValidationFailed, match="12 characters"):
        with write_session(engine) as s:
            users.set_password(session=s, actor="t", username="rep1", password=" " * 12)
    with pytest.raises(ValidationFailed, match="12 characters"):
        with write_session(engine) as s:
            auth.change_own_password("rep1", PASSWORD, " " * 12, session=s)


# --- 8. only init-db creates or migrates a database ----------------------------------------------

KPI_ARGS = ["kpis", "--from", "2026-01-01", "--to", "2026-01-31"]


def _one_line_error(capsys, *needles):
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err, err
    for needle in needles:
        assert needle in err, err
    return err


@pytest.mark.parametrize("argv", [KPI_ARGS, ["seed-demo"], ["disable-user", "x"], ["export-bundle", "out"],
                                  ["set-password", "x", "--password-stdin"]])
def test_a_mistyped_sqlite_path_creates_nothing_and_exits_2(tmp_path, monkeypatch, capsys, argv):
    import io
    monkeypatch.setattr(sys, "stdin", io.StringIO("a-long-enough-password\n"))
    monkeypatch.chdir(tmp_path)
    target = tmp_path / "typo" / "dir" / "onevoice.db"
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{target}")
    assert main(argv) == 2
    _one_line_error(capsys, "no database", "init-db")
    assert not (tmp_path / "typo").exists() and not (tmp_path / "out").exists()


@pytest.mark.parametrize("url", ["mysql://u@h/db", "postgress://u@h/db", "sqlite//data/x.db", "nonsense",
                                 "sqlite:///"])
def test_a_bad_database_url_is_one_line_and_exit_2(tmp_path, monkeypatch, capsys, url):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", url)
    assert main(KPI_ARGS) == 2
    _one_line_error(capsys, "DATABASE_URL")
    assert list(tmp_path.iterdir()) == []


def test_an_unmigrated_sqlite_file_is_not_migrated_by_other_commands(tmp_path, monkeypatch, capsys):
    path = tmp_path / "empty.db"
    sa.create_engine(f"sqlite:///{path}").connect().close()
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{path}")
    assert main(KPI_ARGS) == 2
    _one_line_error(capsys, "init-db")
    assert sa.inspect(sa.create_engine(f"sqlite:///{path}")).get_table_names() == []
    assert main(["init-db"]) == 0
    capsys.readouterr()
    assert main(KPI_ARGS) == 0


def test_an_unmigrated_postgresql_database_is_not_migrated_by_other_commands(pg_template_url, monkeypatch, capsys):
    from tests.conftest import _pg_admin_engine
    admin_engine = _pg_admin_engine()
    name = f"ov_sec_unmigrated_{os.getpid()}"
    with admin_engine.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}"')
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    url = sa.engine.make_url(pg_template_url).set(database=name).render_as_string(hide_password=False)
    try:
        monkeypatch.setenv("DATABASE_URL", url)
        assert main(KPI_ARGS) == 2
        _one_line_error(capsys, "init-db")
        assert sa.inspect(get_engine(url)).get_table_names() == []
        assert main(["init-db"]) == 0
        assert "app_user" in sa.inspect(get_engine(url)).get_table_names()
    finally:
        get_engine(url).dispose()
        with admin_engine.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin_engine.dispose()


def test_init_db_creates_the_sqlite_file_readable_only_by_its_owner(tmp_path, monkeypatch, capsys):
    old = os.umask(0o022)
    try:
        path = tmp_path / "new" / "onevoice.db"
        monkeypatch.setenv("DATABASE_URL", f"sqlite:///{path}")
        assert main(["init-db"]) == 0
        with write_session(get_engine(f"sqlite:///{path}")) as s:
            users.create_user(session=s, actor="t", username="boss", role="admin", password=PASSWORD)
        for f in [path, *path.parent.glob("onevoice.db-*")]:
            assert stat.S_IMODE(f.stat().st_mode) & 0o077 == 0, (f, oct(f.stat().st_mode))
    finally:
        os.umask(old)


def test_the_apps_embedded_database_is_created_readable_only_by_its_owner(tmp_path):
    from models.db import check_connection
    old = os.umask(0o022)
    try:
        path = tmp_path / "data" / "onevoice.db"
        check_connection(get_engine(f"sqlite:///{path}"))   # what the app's first start does first
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    finally:
        os.umask(old)
