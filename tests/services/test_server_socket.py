"""The portal's server turns Nagle's algorithm off on its listening socket (routes/server_socket.py):
a rerun's small websocket messages then leave at once instead of waiting up to 40 ms for the
browser's delayed acknowledgement."""
from __future__ import annotations

import asyncio
import os
import socket
import time
from urllib.parse import urlparse

import pytest

from routes.server_socket import disable_nagle_on_listeners, lifespan
from tests.browser_support import seeded_demo_sqlite, streamlit_server


def nodelay(sock: socket.socket) -> int:
    return sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)


def test_listeners_get_nodelay_and_their_connections_inherit_it_other_sockets_do_not():
    listener = socket.socket(socket.AF_INET)     # as Streamlit binds it: no protocol number
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    port = listener.getsockname()[1]
    outgoing = socket.socket(socket.AF_INET)      # a client connection of this process (say, to a database)
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    read_end, write_end = os.pipe()
    try:
        outgoing.connect(("127.0.0.1", port))
        before, _ = listener.accept()
        assert nodelay(before) == 0 and nodelay(listener) == 0   # the default this fixes

        assert port in disable_nagle_on_listeners()

        assert nodelay(listener) == 1
        assert nodelay(outgoing) == 0                # not a listener: left alone
        late = socket.create_connection(("127.0.0.1", port))
        accepted, _ = listener.accept()
        assert nodelay(accepted) == 1                # inherited from the listener
        for sock in (before, late, accepted):
            sock.close()
        os.fstat(read_end)                           # the pipe and the UDP socket survived the scan
        assert udp.fileno() >= 0
    finally:
        for sock in (listener, outgoing, udp):
            sock.close()
        os.close(read_end)
        os.close(write_end)


def test_the_lifespan_sets_it_when_the_server_starts():
    listener = socket.socket(socket.AF_INET)
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)

    async def start():
        async with lifespan(None) as state:
            return state

    try:
        assert asyncio.run(start()) is None
        assert nodelay(listener) == 1
    finally:
        listener.close()


@pytest.mark.slow
def test_the_running_portal_sets_it_on_its_own_port(sqlite_template, tmp_path, monkeypatch):
    monkeypatch.setenv("STREAMLIT_LOGGER_LEVEL", "info")
    url = seeded_demo_sqlite(sqlite_template, tmp_path)
    with streamlit_server(url, tmp_path / "data") as base:
        port = urlparse(base).port
        log = tmp_path / "data" / f"streamlit-{port}.log"
        deadline = time.monotonic() + 30
        while f"TCP_NODELAY set on the listening socket(s) of port(s) [{port}]" not in log.read_text():
            assert time.monotonic() < deadline, log.read_text()[-2000:]
            time.sleep(0.2)
