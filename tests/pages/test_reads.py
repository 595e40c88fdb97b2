"""How pages read (ui/reads.py). Cached reads are keyed on the viewer's scope: two users of
different territories asking with the same filters never get each other's rows, and a write shows
at once in this process. Fresh reads see a write made anywhere at once. And no page or widget
opens a database session of its own: the two readers are the one way in."""
import ast
from datetime import timedelta
from pathlib import Path

import pytest

from models.db import write_session
from queries import lead_queue, territory_events
from services import leads
from tests.field_world import NOW, build_world
from ui.reads import built_read, cached_read, fresh_read

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def w(engine, db_url, monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.setenv("ONEVOICE_DATA_DIR", str(tmp_path / "data"))
    return build_world(engine)


def test_two_territories_never_share_cached_rows(w):
    filters = dict(window="next_30_days", kinds=(), campaign_id=None, limit=20, offset=0, now=NOW)
    seoul = cached_read(territory_events.events_for, w.v_rep, **filters)
    busan = cached_read(territory_events.events_for, w.v_rep_b, **filters)
    seoul_again = cached_read(territory_events.events_for, w.v_rep, **filters)
    assert [e.code for e in seoul.rows] == ["EV-SOON", "EV-CXL", "EV-LATE"]
    assert [e.code for e in busan.rows] == ["EV-BSN"]
    assert seoul_again == seoul


def test_two_reps_of_one_territory_never_share_cached_leads(w):
    mine = cached_read(lead_queue.lead_queue, w.v_rep, search=None, status="all", rep_id=None, limit=25, offset=0)
    colleague = cached_read(lead_queue.lead_queue, w.v_rep2, search=None, status="all", rep_id=None, limit=25,
                            offset=0)
    manager = cached_read(lead_queue.lead_queue, w.v_manager, search=None, status="all", rep_id=None, limit=25,
                          offset=0)
    assert sorted(r.code for r in mine.rows) == ["L-FRESH", "L-OVER"]
    assert [r.code for r in colleague.rows] == ["L-REP2"]
    assert manager.total == 4


def _as_read(result):
    return result


def _built(query, viewer, **filters):
    return built_read(_as_read, query, viewer, **filters)


@pytest.mark.parametrize("reader", [cached_read, fresh_read, _built], ids=["cached", "fresh", "built"])
def test_a_write_in_this_process_is_seen_at_once_and_no_session_stays_open(w, engine, reader):
    def status_of_fresh():
        page = reader(lead_queue.lead_queue, w.v_rep, search="L-FRESH", status="all", rep_id=None, limit=5, offset=0)
        return page.rows[0].status
    assert status_of_fresh() == "new"
    with write_session(engine) as s:
        leads.move_status(w.v_rep, w.lead_fresh.id, "working", expected_version=1, session=s,
                          now=NOW + timedelta(minutes=1))
    assert status_of_fresh() == "working"
    from ui.session import app_engine
    assert app_engine().pool.checkedout() == 0


def _opened_sessions(path: Path) -> list[str]:
    """Calls of read_session/read_connection/Session in a module, as 'file:line name'."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call):
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name in {"read_session", "read_connection", "Session"}:
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} {name}")
    return found


def test_pages_and_widgets_read_only_through_ui_reads():
    """A page reads through cached_read or fresh_read, then draws; none holds a session of its own
    open while widgets draw. (Writes go through ui.actions or a short write_session.) The reader
    itself and the sign-in gate below the pages are the only places that open a read session."""
    allowed = {"ui/reads.py", "ui/session.py", "ui/sign_in.py"}
    files = [*ROOT.glob("pages/*.py"), *ROOT.glob("ui/*.py"), ROOT / "app.py"]
    opened = [hit for path in files if str(path.relative_to(ROOT)) not in allowed for hit in _opened_sessions(path)]
    assert opened == []
    assert _opened_sessions(ROOT / "ui" / "reads.py"), "the scan must see the reader's own session"


def test_no_rerun_goes_through_streamlit_caches():
    """st.cache_data and st.cache_resource hash their arguments on every hit (0.1-0.4 ms a call):
    the pages, widgets and app.py use ui.reads (cached_read, shared_read, kept) instead."""
    files = [*ROOT.glob("pages/*.py"), *ROOT.glob("ui/*.py"), ROOT / "app.py"]
    used = []
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr in ("cache_data", "cache_resource") \
                    and isinstance(node.value, ast.Name) and node.value.id == "st":
                used.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert used == []
    probe = ast.parse("@st.cache_resource\ndef f(): pass")
    assert any(isinstance(n, ast.Attribute) and n.attr == "cache_resource" for n in ast.walk(probe))


def test_scope_only_queries_are_shared_by_role_and_territory_and_nothing_else(w, engine):
    """Issue 18: the KPIs, the dashboard's series and the scorecard (queries.scope.scope_only)
    are computed once for every viewer of the same role and territory; a query that depends on
    the person (a rep's own lead queue) never is, and no role or territory shares another's."""
    from dataclasses import replace

    from sqlalchemy import event

    from models.enums import Role
    from queries import dashboard_series
    from queries.kpis import KpiFilter
    from queries.scope import Viewer

    statements = []

    def count(*_args):
        statements.append(1)

    executive = Viewer(id=9001, username="e1", display_name="E1", role=Role.executive, territory_id=None)
    other_executive = replace(executive, id=9002, username="e2")
    admin = replace(executive, id=9003, username="a", role=Role.admin)
    f = KpiFilter(NOW.date() - timedelta(days=29), NOW.date(), NOW)
    event.listen(engine, "before_cursor_execute", count)
    try:
        first = cached_read(dashboard_series.funnel, executive, f=f)
        computed = len(statements)
        second = cached_read(dashboard_series.funnel, other_executive, f=f)
        assert len(statements) == computed and second.equals(first)      # served from the first one's
        cached_read(dashboard_series.funnel, admin, f=f)
        assert len(statements) > computed                               # another role: its own
        manager = w.v_manager
        colleague = replace(manager, id=manager.id + 1000, username="m2")
        before = len(statements)
        mine = cached_read(dashboard_series.territory_comparison, manager, f=f)
        assert len(statements) > before
        before = len(statements)
        assert cached_read(dashboard_series.territory_comparison, colleague, f=f).equals(mine)
        assert len(statements) == before                                # same territory, same role
        assert len(mine) == 1                                            # the manager's own territory only
    finally:
        event.remove(engine, "before_cursor_execute", count)
    # Personal queries keep one entry per person (the test above) and are not marked.
    assert not getattr(lead_queue.lead_queue, "scope_only", False)
    assert not getattr(territory_events.events_for, "scope_only", False)


def test_a_read_is_warm_once_read_and_cold_again_after_a_write_or_for_someone_else(w, engine):
    from ui.reads import is_warm
    filters = dict(search=None, status="all", rep_id=None, limit=25, offset=0)
    assert not is_warm(lead_queue.lead_queue, w.v_rep, **filters)
    cached_read(lead_queue.lead_queue, w.v_rep, **filters)
    assert is_warm(lead_queue.lead_queue, w.v_rep, **filters)
    assert not is_warm(lead_queue.lead_queue, w.v_rep2, **filters)   # another person's key
    assert not is_warm(lead_queue.lead_queue, w.v_rep, **{**filters, "status": "open"})
    with write_session(engine) as s:   # the write generation moves: the cached value is stale
        leads.move_status(w.v_rep, w.lead_fresh.id, "working", expected_version=1, session=s,
                          now=NOW + timedelta(minutes=1))
    assert not is_warm(lead_queue.lead_queue, w.v_rep, **filters)


def test_a_shared_figure_gives_the_dict_of_the_figure_once_computed():
    import plotly.graph_objects as go

    from ui.figures import SharedFigure, shared
    fig = go.Figure(go.Bar(x=["a", "b"], y=[1, 2], name="n"), layout={"title": {"text": "t"}})
    frozen = shared(fig)
    assert isinstance(frozen, SharedFigure) and shared(None) is None
    assert frozen.to_dict() == fig.to_dict()
    assert frozen.to_dict() is frozen.to_dict()      # computed once, then the same dict


def test_the_read_cache_copies_expires_keeps_one_computation_per_key_and_forgets_failures():
    import threading
    import time as time_module

    from ui import reads
    clock = [1000.0]
    cache = reads.ReadCache(max_entries=2, clock=lambda: clock[0])
    calls = []

    def compute():
        calls.append(1)
        return {"rows": [1, 2]}
    first = cache.get(("k",), compute, ttl=60)
    again = cache.get(("k",), compute, ttl=60)
    assert first == again == {"rows": [1, 2]} and len(calls) == 1
    again["rows"].append(3)                                  # a reader's change stays its own
    assert cache.get(("k",), compute, ttl=60) == {"rows": [1, 2]}
    clock[0] += 59
    cache.get(("k",), compute, ttl=60)
    assert len(calls) == 1
    clock[0] += 2                                            # past the lifetime: computed again
    cache.get(("k",), compute, ttl=60)
    assert len(calls) == 2
    cache.get(("a",), compute, ttl=60)
    cache.get(("b",), compute, ttl=60)                       # the least recently used goes
    assert len(cache) == 2 and ("k",) not in cache._entries

    def fails():
        raise RuntimeError("refused")
    with pytest.raises(RuntimeError):
        cache.get(("bad",), fails, ttl=60)
    assert cache.get(("bad",), compute, ttl=60) == {"rows": [1, 2]}   # a failure is not kept

    started, release, slow_calls = threading.Event(), threading.Event(), []

    def slow():
        slow_calls.append(1)
        started.set()
        release.wait(5)
        return "done"
    results = []
    first_reader = threading.Thread(target=lambda: results.append(cache.get(("slow",), slow, ttl=60)))
    first_reader.start()
    started.wait(5)
    second_reader = threading.Thread(target=lambda: results.append(cache.get(("slow",), slow, ttl=60)))
    second_reader.start()
    time_module.sleep(0.05)
    release.set()
    first_reader.join(5)
    second_reader.join(5)
    assert results == ["done", "done"] and slow_calls == [1]   # the second waited for the first's


def test_unhashable_filters_are_keyed_by_their_content(w):
    from ui.reads import _hashable
    assert _hashable((("kinds", ("a",)),)) == (("kinds", ("a",)),)
    assert _hashable((("kinds", ["a"]),)) == _hashable((("kinds", ["a"]),)) != _hashable((("kinds", ["b"]),))


def test_kept_objects_are_the_same_object_per_key_expire_and_are_forgotten(monkeypatch):
    from ui import reads
    monkeypatch.setenv("ONEVOICE_CACHE_TTL_SECONDS", "60")
    built = []

    @reads.kept(max_entries=10)
    def figure(scope, period, _viewer):
        built.append((scope, period, _viewer))
        if period == "bad":
            raise RuntimeError("no data")
        return {"scope": scope, "period": period}

    first = figure(("rep", 1), "2026-11", "viewer A")
    assert figure(("rep", 1), "2026-11", "viewer B") is first       # not a copy; _viewer not in the key
    assert figure(("rep", 2), "2026-11", "viewer A") is not first    # another scope, another object
    assert len(built) == 2
    with pytest.raises(RuntimeError):
        figure(("rep", 1), "bad", "viewer A")
    with pytest.raises(RuntimeError):                                # a failure is not kept
        figure(("rep", 1), "bad", "viewer A")
    assert len(built) == 4
    figure.clear()
    assert figure(("rep", 1), "2026-11", "viewer A") is not first and len(built) == 5
    reads.clear_caches()                                             # what the tests and benchmarks call
    figure(("rep", 1), "2026-11", "viewer A")
    assert len(built) == 6


def test_a_kept_object_lives_as_long_as_a_cached_read():
    from ui import reads
    clock = [0.0]
    cache = reads.ReadCache(max_entries=5, clock=lambda: clock[0], copies=False)
    value = {"rows": [1]}
    assert cache.get(("k",), lambda: value, ttl=60) is value
    clock[0] += 59
    assert cache.get(("k",), lambda: {"other": 1}, ttl=60) is value
    clock[0] += 2
    assert cache.get(("k",), lambda: {"other": 1}, ttl=60) == {"other": 1}


def test_the_database_is_prepared_once_per_process_however_many_sessions_ask(engine, db_url, monkeypatch, tmp_path):
    import threading

    import services.bootstrap
    from ui import engine as ui_engine
    prepared = []
    real = services.bootstrap.prepare_database

    def counting(url):
        prepared.append(url)
        return real(url)
    monkeypatch.setattr(services.bootstrap, "prepare_database", counting)
    monkeypatch.setenv("DATABASE_URL", db_url)   # migrated by the fixture; SQLite and PostgreSQL
    monkeypatch.setenv("ONEVOICE_DATA_DIR", str(tmp_path / "data"))
    ui_engine.forget_prepared()
    engines = []
    threads = [threading.Thread(target=lambda: engines.append(ui_engine.app_engine())) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert len(engines) == 8 and len({id(e) for e in engines}) == 1 and len(prepared) == 1
    ui_engine.forget_prepared()
    assert ui_engine.app_engine() is engines[0] and len(prepared) == 2   # prepared again, same pooled engine


def test_built_reads_are_kept_per_reader_scope_and_need_a_named_build(w):
    from queries.field_common import territory_reps

    def names(reps):
        return tuple(r.display_name for r in reps)
    seoul = built_read(names, territory_reps, w.v_rep)
    assert built_read(names, territory_reps, w.v_rep) is seoul            # the built object itself
    busan = built_read(names, territory_reps, w.v_rep_b)
    assert seoul != busan and set(seoul).isdisjoint(busan)                # never another scope's
    def other(reps):
        return len(reps)
    assert built_read(other, territory_reps, w.v_rep) == len(seoul)       # another build, its own entry
    with pytest.raises(TypeError, match="named build"):
        built_read(lambda reps: reps, territory_reps, w.v_rep)


def test_a_page_files_kept_function_is_one_store_across_reruns_and_never_another_files(w):
    """A page file runs again on every rerun (as __main__): its decorated functions are new objects
    each time and must find what the previous run kept, while a function of the same name in another
    page file must never be served this one's values."""
    from queries.field_common import territory_reps
    src = ("from ui.reads import built_read, kept\n"
           "@kept()\n"
           "def tiles(period):\n"
           "    CALLS.append(period)\n"
           "    return [FILE, period]\n"
           "def names(reps):\n"
           "    return (FILE, len(reps))\n")

    def run_page(filename: str, calls: list) -> dict:
        namespace = {"__name__": "__main__", "CALLS": calls, "FILE": filename}
        exec(compile(src, filename, "exec"), namespace)
        return namespace
    calls_a, calls_b = [], []
    first = run_page("/app/pages/a.py", calls_a)["tiles"]("2026-11")
    rerun = run_page("/app/pages/a.py", calls_a)
    assert rerun["tiles"]("2026-11") is first and calls_a == ["2026-11"]      # the rerun found it
    other = run_page("/app/pages/b.py", calls_b)
    assert other["tiles"]("2026-11") == ["/app/pages/b.py", "2026-11"] and calls_b == ["2026-11"]
    assert built_read(rerun["names"], territory_reps, w.v_rep)[0] == "/app/pages/a.py"
    assert built_read(other["names"], territory_reps, w.v_rep)[0] == "/app/pages/b.py"


def test_a_prefetch_of_what_is_already_cached_starts_nothing(w):
    from concurrent.futures import wait

    from ui import reads
    read = (lead_queue.lead_queue, dict(search=None, status="all", rep_id=None, limit=25, offset=0))
    reads._RECENT.clear()
    reads.prefetch(w.v_rep, [read])
    assert len(reads._RECENT) == 1
    wait(list(reads._RECENT), timeout=60)
    assert reads.is_warm(read[0], w.v_rep, **read[1])
    reads.prefetch(w.v_rep, [read])
    assert len(reads._RECENT) == 1                     # warm: no worker started for it
    reads.prefetch(w.v_rep2, [read])                   # someone else's: cold, started
    assert len(reads._RECENT) == 2
    wait(list(reads._RECENT), timeout=60)
