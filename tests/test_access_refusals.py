"""Every query/service function a page uses refuses a user of the wrong role or territory (issue 7).

How it is made systematic:

1. ``page_functions()`` (tests/access_pages.py) parses pages/*.py and ui/*.py with ``ast``, collects every name imported
   from ``queries.*``/``services.*`` and every attribute used on such an imported module (called
   or passed on, e.g. to ``cached_read``), resolves them to the real functions and keeps those
   that take a ``viewer``.
2. ``TABLE`` (tests/access_table.py; ``Entry`` and the hand-over rows in tests/access_entries.py)
   holds one ``Entry`` per such function: the roles that may call it and how to call it
   with the records of territory SEL of a small shared world (tests/access_world.py).
3. Parametrised tests, on SQLite and PostgreSQL:
   - every role NOT in the entry gets a ``PermissionError`` (``AccessDenied``), using the SEL
     users for rep/manager (right territory, wrong role);
   - a BSN rep/manager (when their role is allowed) calling with SEL record ids is refused
     (``foreign="deny"``), or, for lists without ids, receives no row of SEL (``foreign="hide"``:
     the result's text holds no ``SELX`` marker);
   - in both cases nothing was written: every table's content (audit_log included) is the same
     after the refused call as before, read in the same transaction, i.e. the function refuses
     before it writes anything;
   - a positive control: the entry's own user (an allowed role of SEL) passes the access checks,
     and for lists marked ``shows_sel`` does see SEL rows, so the refusals above are not
     produced by bad arguments and the "no SEL rows" checks are not vacuous.
4. ``test_every_page_function_has_an_entry``: a new page function without an entry fails CI, and
   page-used functions that take no viewer must be listed, with a reason, in ``NO_VIEWER``.
"""
from __future__ import annotations

import dataclasses
import enum
import shutil
from datetime import date, datetime
from collections.abc import Callable

import pandas as pd
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel

from models.db import get_engine
from queries import dashboard_series, drilldown as drilldown_q
from queries import kpis
from queries.kpis import KPI_KEYS
from tests.access_world import BSN_MARK, BSN_VIEWERS, SEL_MARK, SEL_VIEWERS, build_world
from tests.access_entries import Entry, kf
from tests.access_pages import ALL, FIELD, NO_VIEWER, _page_references, _takes_viewer, page_functions
from tests.access_table import BY_NAME, TABLE


# -- helpers -------------------------------------------------------------------------------------

def texts(obj, _seen=None) -> list[str]:
    """Every piece of text in a result, whatever its shape (dataclasses, rows, frames, bytes…)."""
    seen = _seen if _seen is not None else set()
    if isinstance(obj, str):
        return [obj]
    if isinstance(obj, (bytes, bytearray)):
        return [bytes(obj).decode("utf-8", "replace")]
    if obj is None or isinstance(obj, (int, float, date, datetime, enum.Enum)) or type(obj).__name__ == "Decimal":
        return [str(obj)]
    if id(obj) in seen:
        return []
    seen.add(id(obj))
    if isinstance(obj, pd.DataFrame):
        return [str(c) for c in obj.columns] + [str(x) for x in obj.astype(str).to_numpy().ravel()] + \
            [str(i) for i in obj.index]
    if isinstance(obj, pd.Series):
        return [str(x) for x in obj.astype(str)] + [str(i) for i in obj.index]
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return [t for f in dataclasses.fields(obj) for t in texts(getattr(obj, f.name), seen)]
    if isinstance(obj, SQLModel):
        return [t for value in obj.model_dump().values() for t in texts(value, seen)]
    if isinstance(obj, dict):
        return [t for k, value in obj.items() for t in (*texts(k, seen), *texts(value, seen))]
    if isinstance(obj, (list, tuple, set, frozenset)) or hasattr(obj, "_mapping"):
        return [t for value in obj for t in texts(value, seen)]
    if hasattr(obj, "__dict__"):
        return [t for value in vars(obj).values() for t in texts(value, seen)]
    return [str(obj)]


def sel_rows(result) -> list[str]:
    return [t for t in texts(result) if SEL_MARK in t]


def fingerprint(session: Session) -> dict[str, list[str]]:
    """The content of every table, as this session sees it (its own unflushed writes included)."""
    session.flush()
    return {table.name: sorted(repr(tuple(row)) for row in session.execute(sa.select(table)).all())
            for table in SQLModel.metadata.sorted_tables}


def assert_same(before: dict, after: dict) -> None:
    changed = {name: (len(before[name]), len(after[name])) for name in before if before[name] != after[name]}
    assert not changed, f"a refused call wrote to: {changed} (rows before, after)"


def refused_without_writing(engine, entry: Entry, call, w, viewer) -> PermissionError:
    """Run ``call`` as the page would, in one transaction; it must raise PermissionError and leave
    every table as it was (checked inside the same transaction, then rolled back)."""
    with Session(engine, expire_on_commit=False) as session:
        before = fingerprint(session)
        if entry.engine:
            session.commit()
        with pytest.raises(PermissionError) as refused:
            call(w, viewer, session)
        if entry.engine:
            session.rollback()
        assert_same(before, fingerprint(session))
        session.rollback()
    return refused.value


def _table_counts(engine) -> tuple:
    """Row counts of every table in one round trip: a cheap check that a test left the world as it was."""
    counts = [sa.select(sa.func.count()).select_from(table).scalar_subquery()
              for table in SQLModel.metadata.sorted_tables]
    with engine.connect() as conn:
        return tuple(conn.execute(sa.select(*counts)).one())


class SharedWorld:
    """The module's world on one database: its engine, the world built in it, and every table's
    row count as built (to notice a test that committed)."""

    def __init__(self, fresh: Callable[[], Engine]):
        self._fresh = fresh
        self.rebuild()

    def rebuild(self) -> None:
        self.engine: Engine = self._fresh()
        self.world = build_world(self.engine)
        self.counts: tuple = _table_counts(self.engine)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def database(request, tmp_path_factory):
    """The shared world, built once per database for this module (like conftest's ``engine``: a
    migrated SQLite copy, or this run's PostgreSQL database emptied first). Every test works in a
    transaction it rolls back, so the world stays as built; ``world`` checks that after each test
    and rebuilds it if something was committed anyway."""
    if request.param == "sqlite":
        template = request.getfixturevalue("sqlite_template")

        def fresh():
            path = tmp_path_factory.mktemp("access") / "onevoice.db"
            shutil.copyfile(template, path)
            return get_engine(f"sqlite:///{path}")
    else:
        url = request.getfixturevalue("pg_template_url")

        def fresh():
            engine = get_engine(url)
            names = ", ".join(f'"{t.name}"' for t in SQLModel.metadata.sorted_tables)
            with engine.begin() as conn:
                conn.exec_driver_sql(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
            return engine

    return SharedWorld(fresh)


@pytest.fixture
def engine(database):
    """This module's engine: the shared world's database (overrides conftest's per-test ``engine``)."""
    return database.engine


@pytest.fixture
def world(database):
    yield database.world
    if _table_counts(database.engine) != database.counts:
        database.rebuild()


def _cases(kind: str):
    for entry in TABLE:
        if kind == "role":
            for role in sorted(ALL - entry.roles, key=lambda r: r.value):
                yield pytest.param(entry.name, role, id=f"{entry.name}-{role.value}")
        elif kind == "foreign":
            for role in sorted(entry.roles & FIELD, key=lambda r: r.value):
                yield pytest.param(entry.name, role, id=f"{entry.name}-bsn_{role.value}")
        else:
            yield pytest.param(entry.name, id=entry.name)


# -- 3. the refusals -----------------------------------------------------------------------------

@pytest.mark.parametrize(("name", "role"), list(_cases("role")))
def test_wrong_role_is_refused(engine, world, name, role):
    entry = BY_NAME[name]
    viewer = world.v[SEL_VIEWERS[role]]
    refused_without_writing(engine, entry, entry.call, world, viewer)


@pytest.mark.parametrize(("name", "role"), list(_cases("foreign")))
def test_wrong_territory_is_refused_or_sees_nothing_of_sel(engine, world, name, role):
    entry = BY_NAME[name]
    viewer = world.v[BSN_VIEWERS[role]]
    for call in entry.foreign_calls or (entry.call,):
        if entry.foreign == "deny":
            refused_without_writing(engine, entry, call, world, viewer)
            continue
        assert entry.foreign == "hide", entry.foreign
        with Session(engine, expire_on_commit=False) as session:
            before = fingerprint(session)
            try:
                result = call(world, viewer, session)
            except PermissionError:
                result = None       # refusing is as good as showing nothing
            after = fingerprint(session)
            for table in entry.own_writes:  # the BSN user's own new rows only: SEL's stay as they were
                gone = set(before.pop(table)) - set(after.pop(table))
                assert not gone, f"{name} changed rows of {table} that were not the BSN user's: {gone}"
            assert_same(before, after)
            session.rollback()
        assert sel_rows(result) == [], f"{name} gave a BSN {role.value} SEL's rows"
        if entry.bsn_check is not None and result is not None:
            assert entry.bsn_check(world, result), f"{name} counted SEL's rows for a BSN {role.value}: {result!r}"


@pytest.mark.parametrize("name", list(_cases("own")))
def test_allowed_role_passes_the_access_checks(engine, world, name):
    """The positive control: the same arguments, for an allowed user of SEL, are not refused."""
    entry = BY_NAME[name]
    viewer = world.v[entry.own]
    assert viewer.role in entry.roles
    with Session(engine, expire_on_commit=False) as session:
        try:
            result = entry.call(world, viewer, session)
        except entry.ok_errors:
            result = None
        finally:
            session.rollback()
    if entry.shows_sel:
        assert sel_rows(result), f"{name}: the control user sees no SEL row, so hiding them proves nothing"


def test_kpi_drilldowns_of_a_bsn_manager_hold_nothing_of_sel(engine, world):
    """Every KPI's records behind the number, for the BSN manager without a territory filter
    (forced to BSN), and every chart series."""
    viewer = world.v["mgr_bsn"]
    f = kf(world)
    with Session(engine) as session:
        for key in KPI_KEYS:
            dd = drilldown_q.drilldown(viewer, f, key, session=session)
            assert sel_rows(dd.frame) == [], key
        for fn in (dashboard_series.funnel, dashboard_series.monthly_revenue, dashboard_series.territory_comparison,
                   dashboard_series.campaign_roi_points, dashboard_series.response_time_distribution):
            assert sel_rows(fn(viewer, f, session=session)) == [], fn.__name__
        assert kpis.all_kpis(viewer, f, session=session) == \
            kpis.all_kpis(world.v["admin"], kf(world, world.bsn), session=session)
        assert kpis.lifetime_kpis(viewer, session=session) == \
            kpis.lifetime_kpis(world.v["admin"], session=session, territory_id=world.bsn.id)


# -- 4. completeness -----------------------------------------------------------------------------

def test_every_page_function_has_an_entry():
    references = _page_references()
    used = page_functions()
    assert len(used) >= 90, sorted(used)  # the parser found the pages' functions
    missing = sorted(set(used) - set(BY_NAME))
    assert not missing, f"page functions without a refusal entry in TABLE: {missing}"
    stale = sorted(set(BY_NAME) - set(used))
    assert not stale, f"TABLE entries no page uses any more: {stale}"
    unlisted = sorted(name for name, (fn, _) in references.items()
                      if not _takes_viewer(fn) and name not in NO_VIEWER)
    assert not unlisted, f"page-used functions without a viewer and not in NO_VIEWER: {unlisted}"


def test_table_is_complete_for_each_entry():
    for entry in TABLE:
        assert entry.roles and entry.roles <= ALL, entry.name
        assert entry.own in {*SEL_VIEWERS.values(), "rep2_sel"}, entry.name
        if entry.roles & FIELD:
            assert entry.foreign in ("deny", "hide"), f"{entry.name}: say what a BSN field user gets"
        else:
            assert entry.foreign is None, f"{entry.name}: no field role may call it"
    assert len(BY_NAME) == len(TABLE), "one entry per function"


def test_the_parser_sees_functions_passed_to_cached_read():
    """Pages hand queries to ui.reads.cached_read without calling them; they count too."""
    used = page_functions()
    assert "queries.lead_queue.lead_queue" in used
    assert "queries.team.team_load" in used
    assert "queries.marketing.campaign_choices" in used  # reached through ui/campaign_picker.py
    assert BSN_MARK != SEL_MARK

