"""The sign-in gate's user rows, kept per process on PostgreSQL and dropped the moment they change.

Every rerun of every page reads the signed-in user's row (``services.auth.session_gate``): that read
is what makes a sign-out, a disabled account, a password or role change take effect at once, in
every process, on the next click. On PostgreSQL it was also the largest single part of a page's
rerun, a round trip to the server and the wait for its answer on a shared machine
(bench/README.md, eleventh and twelfth sessions). Here each process keeps the rows it has read, and
the database tells every process when one changes: a trigger on ``app_user`` (migration 0016) sends
``NOTIFY onevoice_app_user`` with the username on every INSERT, UPDATE or DELETE, and ``*`` on a
TRUNCATE; one thread per process LISTENs on a connection of its own and drops the row.

What keeps the rule "at once, in every process":

- A row is served from memory only while the listener is connected and LISTENing. Before it is
  (start-up) and from the moment it is not (connection lost, server restarted), every gate reads the
  database as before; when listening starts again, everything kept is dropped first.
- A notification reaches the listener when the changing transaction commits; the gate of another
  process sees the change on its next rerun after that. A read that began before an invalidation
  does not enter the cache (the generation check in ``row``), so a row read just before a change
  cannot be kept after the change's notification was handled.
- This process's own committed changes of users (through the ORM, where the portal makes them:
  ``write_session``) are dropped right after the commit, without waiting for the notification.
- An entry is kept ``MAX_AGE_SECONDS`` at most, whatever happens: a bound, not the mechanism.

SQLite has no cache: its gate read is a read of a local file (0.06 ms), and there is no channel to
hear another process's change on.
"""
from __future__ import annotations

import logging
import threading
import time
from typing import Any, Callable

from sqlalchemy.engine import Engine

from .config import load_config

log = logging.getLogger(__name__)

CHANNEL = "onevoice_app_user"
ALL = "*"
MAX_AGE_SECONDS = 30.0
# The listener's connection is checked this often between notifications (a dead one is replaced).
HEALTH_CHECK_SECONDS = 5.0
_WAIT_SECONDS = 0.5
_monotonic = time.monotonic   # tests move it


class UserRows:
    """Rows of ``app_user`` by username, valid while this process listens for their changes."""

    def __init__(self, engine: Engine):
        self._engine = engine
        self._lock = threading.Lock()
        self._rows: dict[str, tuple[float, Any]] = {}
        self._generation = 0
        self._live = False
        self._stop = threading.Event()
        self.listening = threading.Event()   # set while rows may be served from memory
        self.listens = 0                     # connections that went live so far (tests, logs)
        self._thread = threading.Thread(target=self._listen, name="onevoice-user-rows", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout)

    @property
    def live(self) -> bool:
        return self._live

    def row(self, username: str, fetch: Callable[[], Any]) -> Any:
        """The kept row of ``username``, or ``fetch()``'s (kept if nothing changed meanwhile)."""
        with self._lock:
            live, generation = self._live, self._generation
            if live:
                kept = self._rows.get(username)
                if kept is not None and _monotonic() - kept[0] < MAX_AGE_SECONDS:
                    return kept[1]
        started = _monotonic()
        row = fetch()
        if live and row is not None:
            with self._lock:
                if self._live and self._generation == generation:
                    self._rows[username] = (started, row)
        return row

    def forget(self, username: str | None = None) -> None:
        """Drop one user's row, or every row (None); reads in flight will not be kept."""
        with self._lock:
            self._generation += 1
            if username is None:
                self._rows.clear()
            else:
                self._rows.pop(username, None)

    def _set_live(self, live: bool) -> None:
        with self._lock:
            self._generation += 1
            self._rows.clear()
            self._live = live
            self.listens += live
        (self.listening.set if live else self.listening.clear)()

    def _connect(self):
        import psycopg

        cargs, cparams = self._engine.dialect.create_connect_args(self._engine.url)
        connection = psycopg.connect(*cargs, **cparams, autocommit=True, connect_timeout=10,
                                     application_name="onevoice-user-rows")
        try:
            # Without the trigger nothing would ever be told: then nothing is kept (a database
            # not yet migrated to 0016 is checked again at the next attempt).
            told = connection.execute(
                "SELECT count(*) FROM pg_trigger WHERE tgrelid = to_regclass('app_user') AND NOT tgisinternal"
                " AND tgname IN ('app_user_changed', 'app_user_truncated')").fetchone()[0]
            if told != 2:
                raise RuntimeError("app_user has no change trigger (migration 0016)")
            connection.execute("LISTEN onevoice_app_user")   # CHANNEL
        except Exception:
            connection.close()
            raise
        return connection

    def _listen(self) -> None:
        delay = 0.5
        while not self._stop.is_set():
            try:
                connection = self._connect()
            except Exception as exc:   # noqa: BLE001 - no listener: the gate reads the database
                log.warning("user-row listener cannot connect (the gate reads the database): %s", exc)
                self._stop.wait(delay)
                delay = min(delay * 2, 30.0)
                continue
            delay = 0.5
            try:
                self._set_live(True)
                checked = _monotonic()
                while not self._stop.is_set():
                    for note in connection.notifies(timeout=_WAIT_SECONDS):
                        self.forget(None if note.payload == ALL else note.payload)
                    if _monotonic() - checked >= HEALTH_CHECK_SECONDS:
                        connection.execute("SELECT 1")
                        checked = _monotonic()
            except Exception as exc:   # noqa: BLE001 - lost: stop serving rows, then reconnect
                if not self._stop.is_set():
                    log.warning("user-row listener lost its connection (the gate reads the database): %s", exc)
            finally:
                self._set_live(False)
                try:
                    connection.close()
                except Exception:   # noqa: BLE001 - already gone
                    pass


_registry_lock = threading.Lock()


def user_rows(engine: Engine) -> UserRows | None:
    """The engine's kept user rows (started on first use), or None where there is no cache."""
    if engine.dialect.name != "postgresql" or not load_config().user_row_cache:
        return None
    rows = getattr(engine, "_onevoice_user_rows", None)
    if rows is None:
        with _registry_lock:
            rows = getattr(engine, "_onevoice_user_rows", None)
            if rows is None:
                rows = UserRows(engine)
                engine._onevoice_user_rows = rows
                rows.start()
    return rows


def forget_users(engine: Engine, usernames) -> None:
    """After a commit of this process that changed these users: drop their rows now."""
    rows = getattr(engine, "_onevoice_user_rows", None)
    if rows is not None:
        for username in usernames:
            rows.forget(username)


def stop_user_rows(engine: Engine) -> None:
    rows = getattr(engine, "_onevoice_user_rows", None)
    if rows is not None:
        rows.stop()
        del engine._onevoice_user_rows


# The usernames a session's flushes changed, collected for ``forget_users`` after its commit.
CHANGED_USERS_KEY = "onevoice_changed_users"


def collect_user_changes(session, flush_context, instances) -> None:
    """A ``before_flush`` listener: note which ``app_user`` rows the session inserts, changes or
    deletes, under its ``info[CHANGED_USERS_KEY]`` (``write_session`` forgets them after commit)."""
    from sqlalchemy import inspect as sa_inspect

    from models.tables.people import User

    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, User):
            changed = session.info.setdefault(CHANGED_USERS_KEY, set())
            changed.add(obj.username)
            changed.update(name for name in sa_inspect(obj).attrs.username.history.deleted or () if name)
