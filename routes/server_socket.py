"""The server's listening socket sends small messages at once (TCP_NODELAY).

Streamlit 1.67 serves with uvicorn on a socket it binds itself, created without the TCP protocol
number, so asyncio does not turn Nagle's algorithm off on the connections it accepts (it does so
only for sockets whose ``proto`` is TCP). A rerun answers with several small websocket messages;
with Nagle on, the later ones wait for the browser to acknowledge the first, and browsers delay
that acknowledgement by up to 40 ms. Measured with bench/page_cost.py's client: a trivial app's
rerun took 44 ms with Nagle and 5.5 ms without it (bench/README.md, seventh session).

``lifespan`` (given to ``st.App`` in app.py) runs when the server starts, after the socket is bound
and before it accepts anything: it sets TCP_NODELAY on every listening TCP socket of the process,
and connections accepted from it inherit the option. Uses only the operating system's view of
the process's open files (``/proc/self/fd`` or ``/dev/fd``); where neither exists it does nothing.
"""
from __future__ import annotations

import os
import socket
from contextlib import asynccontextmanager, suppress

from streamlit.logger import get_logger

log = get_logger(__name__)   # Streamlit's log (logger.level), beside the server's own lines

_TCP_FAMILIES = (socket.AF_INET, socket.AF_INET6)


def _open_descriptors() -> list[int]:
    for folder in ("/proc/self/fd", "/dev/fd"):
        with suppress(OSError):
            return sorted(int(name) for name in os.listdir(folder) if name.isdigit())
    return []


def disable_nagle_on_listeners() -> list[int]:
    """Set TCP_NODELAY on each listening TCP socket of this process; returns their ports."""
    ports = []
    for fd in _open_descriptors():
        try:
            copy = os.dup(fd)
        except OSError:          # closed meanwhile
            continue
        try:
            sock = socket.socket(fileno=copy)
        except OSError:          # not a socket
            os.close(copy)
            continue
        with sock:
            try:
                if (sock.family not in _TCP_FAMILIES or sock.type != socket.SOCK_STREAM
                        or not sock.getsockopt(socket.SOL_SOCKET, socket.SO_ACCEPTCONN)):
                    continue
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                ports.append(sock.getsockname()[1])
            except OSError:
                continue
    return ports


@asynccontextmanager
async def lifespan(app):
    """``st.App(lifespan=...)``: the listening socket is bound when this runs."""
    ports = disable_nagle_on_listeners()
    log.info("TCP_NODELAY set on the listening socket(s) of port(s) %s", ports or "none found")
    yield None
