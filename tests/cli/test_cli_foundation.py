"""manage.py init-db, seed-demo, create-user, set-password, disable-user; the app's bootstrap."""
import io
import subprocess
import sys
from pathlib import Path

import pytest
from sqlmodel import Session, func, select

from manage import main
from services.bootstrap import prepare_database
from models.db import get_engine
from models.tables import AuditLog, Lead, User
from services.auth import check_password

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def cli(monkeypatch, db_url):
    monkeypatch.setenv("DATABASE_URL", db_url)
    return db_url


def _run(monkeypatch, args, stdin=""):
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    return main(args)


def test_create_user_set_password_disable(cli, monkeypatch, capsys):
    from tests.factories import Builder
    with Builder(get_engine(cli)) as b:
        b.territory("SEL")
    assert _run(monkeypatch, ["create-user", "kim", "--role", "rep", "--territory", "SEL", "--password-stdin"],
                "a-long-enough-password\n") == 0
    assert _run(monkeypatch, ["set-password", "kim", "--password-stdin"], "another-long-password\n") == 0
    assert _run(monkeypatch, ["disable-user", "kim"]) == 0
    with Session(get_engine(cli)) as s:
        user = s.exec(select(User).where(User.username == "kim")).one()
        assert check_password("another-long-password", user.password_hash) and not user.active
        actions = set(s.exec(select(AuditLog.action).where(AuditLog.entity_key == "kim")))
        assert {"create", "set_password", "disable"} <= actions


@pytest.mark.parametrize("args, stdin, message", [
    (["create-user", "x", "--role", "wizard", "--password-stdin"], "a-long-enough-password\n", "unknown role 'wizard'"),
    (["create-user", "x", "--role", "rep", "--territory", "NOPE", "--password-stdin"], "a-long-enough-password\n",
     "unknown territory code 'NOPE'"),
    (["create-user", "x", "--role", "rep", "--password-stdin"], "a-long-enough-password\n",
     "territory: required for role rep"),
    (["create-user", "x", "--role", "admin", "--password-stdin"], "short\n", "at least 12 characters"),
    (["set-password", "nobody", "--password-stdin"], "a-long-enough-password\n", "no user named 'nobody'"),
    (["disable-user", "nobody"], "", "no user named 'nobody'"),
])
def test_bad_input_is_one_line_non_zero_and_writes_nothing(cli, monkeypatch, capsys, args, stdin, message):
    assert _run(monkeypatch, args, stdin) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and message in err and "Traceback" not in err
    with Session(get_engine(cli)) as s:
        assert s.exec(select(func.count()).select_from(User)).one() == 0


def test_unreachable_database_is_one_line_and_exit_2(monkeypatch):
    proc = subprocess.run([sys.executable, "manage.py", "init-db"], cwd=ROOT, capture_output=True, text=True,
                          env={"DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none", "PATH": "/usr/bin:/bin"})
    assert proc.returncode == 2
    assert proc.stderr.strip().startswith("error: cannot reach database") and proc.stderr.count("\n") == 1


def test_init_db_and_seed_demo(cli, monkeypatch, capsys):
    assert _run(monkeypatch, ["init-db"]) == 0
    assert _run(monkeypatch, ["seed-demo", "--seed", "3"]) == 0
    with Session(get_engine(cli)) as s:
        assert s.exec(select(func.count()).select_from(Lead)).one() > 100
    assert _run(monkeypatch, ["seed-demo"]) == 2          # only into an empty database
    assert "already has users" in capsys.readouterr().err


def test_demo_is_deterministic_for_a_seed(tmp_path):
    from services.demo_seed import seed_demo
    counts = []
    for name in ("a", "b"):
        url = f"sqlite:///{tmp_path / name}.db"
        from models.migrate import upgrade_to_head
        upgrade_to_head(get_engine(url))
        counts.append(seed_demo(engine=get_engine(url), seed=7))
        with Session(get_engine(url)) as s:
            counts.append(sorted(s.exec(select(Lead.code, Lead.status, Lead.company)).all()))
    assert counts[0] == counts[2] and counts[1] == counts[3]


def test_first_start_on_the_default_sqlite_migrates_and_seeds(tmp_path, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("ONEVOICE_DATA_DIR", str(tmp_path / "data"))
    engine = prepare_database(f"sqlite:///{tmp_path / 'data' / 'onevoice.db'}")
    with Session(engine) as s:
        assert s.exec(select(User).where(User.username == "minjun.kim")).one().role == "rep"


def test_a_non_default_database_must_be_migrated_first(tmp_path, monkeypatch):
    from models.db import DatabaseUnavailable
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'empty.db'}")
    with pytest.raises(DatabaseUnavailable, match="init-db"):
        prepare_database(f"sqlite:///{tmp_path / 'empty.db'}")
