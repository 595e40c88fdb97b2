"""The first script runs of a freshly started server (issue 18): a `pages/` folder beside app.py
puts Streamlit in its old multipage mode until the first `st.navigation` call of the process,
which globbed the folder, sent a navigation of the file names and a "page not found" for a deep
link, and then ran the portal's own navigation. app.py switches that mode off at start-up; here
a real `streamlit run app.py` is asked for deep pages by several new sessions at once, over the
websocket protocol a browser uses, and each first run must send one navigation and no
"page not found"."""
from __future__ import annotations

import asyncio

from tests.browser_support import seeded_demo_sqlite, streamlit_server

COOKIE_KEY = "browser-test-cookie-key-" + "b" * 40   # the one streamlit_server gives the portal


async def _first_run(base: str, username: str, page: str) -> list[str]:
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
    from websockets.asyncio.client import connect

    from bench.ws_load import COOKIE_NAME, cookie_for

    kinds = []
    async with connect(base.replace("http", "ws") + "/_stcore/stream", subprotocols=["streamlit"],
                       additional_headers={"Cookie": f"{COOKIE_NAME}={cookie_for(username, COOKIE_KEY)}"},
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
            kinds.append(kind if kind != "delta" else "delta:" + fm.delta.WhichOneof("type"))
            if kind == "delta" and fm.delta.WhichOneof("type") == "new_element":
                element = fm.delta.new_element
                if element.WhichOneof("type") == "heading":
                    kinds.append("heading:" + element.heading.body)
            if kind == "script_finished" and fm.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                return kinds


async def _first_runs_at_once(base: str) -> list[list[str]]:
    asks = [("minjun.kim", "events"), ("minjun.kim", "activity"), ("seoyeon.park", "my-team"),
            ("minjun.kim", "leads")]
    return await asyncio.gather(*(_first_run(base, user, page) for user, page in asks))


def test_a_new_servers_first_runs_go_straight_to_the_portals_navigation(sqlite_template, tmp_path):
    url = seeded_demo_sqlite(sqlite_template, tmp_path)
    with streamlit_server(url, tmp_path / "data") as base:
        runs = asyncio.run(_first_runs_at_once(base))
    titles = ["Territory events", "Field activity", "Team", "Lead queue"]
    for kinds, title in zip(runs, titles):
        assert "page_not_found" not in kinds, kinds
        assert kinds.count("navigation") == 1, kinds
        assert f"heading:{title}" in kinds, kinds
