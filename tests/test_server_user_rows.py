"""The served portal on PostgreSQL with the gate's kept user rows (models/user_rows.py): two
server processes on one database, one user signed in on both by cookie. Each keeps the user's row
after its first rerun; when a third process (an admin's, here the test's own engine) disables the
user, the next rerun on either server is refused, and when it signs the user out, a cookie issued
before that is refused too."""
from __future__ import annotations

import asyncio
from datetime import timedelta

from models.db import make_engine, write_session
from models.enums import Role
from models.types import utcnow
from queries.scope import Viewer
from services import admin, auth
from tests.browser_support import streamlit_server
from tests.conftest import _truncate_all
from tests.factories import Builder
from tests.test_server_first_runs import COOKIE_KEY

PASSWORD = "correct horse battery 9"


async def _rerun(base: str, cookie: str, page: str = "my-day") -> list[str]:
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
    from websockets.asyncio.client import connect

    from bench.ws_load import COOKIE_NAME

    seen = []
    async with connect(base.replace("http", "ws") + "/_stcore/stream", subprotocols=["streamlit"],
                       additional_headers={"Cookie": f"{COOKIE_NAME}={cookie}"},
                       max_size=None, open_timeout=60, ping_interval=None) as ws:
        msg = BackMsg()
        msg.rerun_script.page_name = page
        await ws.send(msg.SerializeToString())
        while True:
            data = await asyncio.wait_for(ws.recv(), 120)
            if isinstance(data, str):
                continue
            fm = ForwardMsg.FromString(data)
            kind = fm.WhichOneof("type")
            if kind == "delta" and fm.delta.WhichOneof("type") == "new_element":
                element = fm.delta.new_element
                if element.WhichOneof("type") == "heading":
                    seen.append(element.heading.body)
            if kind == "script_finished" and fm.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                return seen


def _signed_in(base: str, cookie: str) -> bool:
    """The rerun drew the rep's My day (its heading names the user)."""
    return any(heading.startswith("My day — ") for heading in asyncio.run(_rerun(base, cookie)))


def test_a_change_made_elsewhere_is_refused_by_the_next_rerun_on_every_server(pg_template_url, tmp_path):
    from bench.ws_load import cookie_for
    from services.session_token import encode

    engine = make_engine(pg_template_url)
    try:
        _truncate_all(engine)
        with Builder(engine) as b:
            sel = b.territory("SEL")
            boss = b.user("boss", Role.admin, password_hash=auth.hash_password(PASSWORD))
            b.user("rep1", Role.rep, sel, password_hash=auth.hash_password(PASSWORD))
        boss = Viewer.of(boss)
        earlier = encode("rep1", COOKIE_KEY, issued_at=utcnow() - timedelta(minutes=10), lifetime_days=7)
        with streamlit_server(pg_template_url, tmp_path / "a") as one, \
                streamlit_server(pg_template_url, tmp_path / "b") as two:
            for base in (one, two):   # twice each: the second rerun is served from the kept row
                assert _signed_in(base, earlier)
                assert _signed_in(base, earlier)
            with engine.connect() as conn:   # both servers listen: their reruns use kept rows
                assert conn.exec_driver_sql(
                    "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'onevoice-user-rows'"
                    " AND datname = current_database()").scalar_one() == 2
            with write_session(engine) as s:
                auth.sign_out("rep1", session=s)
            for base in (one, two):
                assert not _signed_in(base, earlier)
                assert _signed_in(base, cookie_for("rep1", COOKIE_KEY))   # issued after
            fresh = cookie_for("rep1", COOKIE_KEY)
            with write_session(engine) as s:
                admin.disable_user(boss, "rep1", session=s)
            for base in (one, two):
                assert not _signed_in(base, fresh)
    finally:
        engine.dispose()
