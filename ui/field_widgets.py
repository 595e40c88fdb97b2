"""Widgets shared by the pages: the manager's rep filter, the one pager of every list
(``page_offset`` + ``pager`` over a ``queries.paging.ResultPage``), and lazy tabs."""
from __future__ import annotations

from collections.abc import Callable
from types import MappingProxyType

import streamlit as st

from models.enums import Role
from models.settings_store import BusinessSettings, load_settings
from queries.field_common import territory_reps
from queries.paging import ResultPage
from queries.scope import Viewer
from ui.reads import built_read, shared_read
from i18n import N_, _

ALL_REPS = N_("All reps of my territory")


def business_settings() -> BusinessSettings:
    """The company's SLA hours, time zone and currency, for display: as stored at this process's
    last write (another process's change shows within the cache's TTL, as every cached read)."""
    return shared_read(load_settings)


def rep_filter(viewer: Viewer, key: str) -> int | None:
    """A manager chooses one rep (or all); a rep sees only their own work and gets no widget."""
    if viewer.role is not Role.manager:
        return None
    # Through the cache: the list of a territory's reps read fresh was 40% of a manager's lead
    # queue rerun (bench/README.md, eleventh session), and the ~700 choices unpickled and labelled
    # again on every rerun were 0.4 ms more (thirteenth): they are kept as built. A rep added or
    # disabled in this process shows at once, from another process within the cache's lifetime.
    labels = built_read(_rep_filter_choices, territory_reps, viewer, include_inactive=True)
    return labels[st.selectbox(_("Rep"), tuple(labels), key=key)]


def _rep_filter_choices(reps) -> MappingProxyType:
    return MappingProxyType({_(ALL_REPS): None} | {
        (r.display_name if r.active else _("{name} (disabled)").format(name=r.display_name)): r.id for r in reps})


def page_offset(key: str, signature: tuple, page_size: int) -> int:
    """The offset of the page being shown; back to the first page whenever the filters change."""
    state = st.session_state.setdefault(key, {"signature": signature, "page": 0})
    if state["signature"] != signature:
        state.update(signature=signature, page=0)
    return state["page"] * page_size


def pager(result: ResultPage, key: str, noun: str = N_("rows")) -> None:
    """'rows 21–40 of 95' with previous/next buttons."""
    state = st.session_state[key]
    first = result.offset + 1 if result.total else 0
    last = result.offset + len(result.rows)
    def step(delta: int) -> None:
        state["page"] = max(0, min(result.page_count - 1, state["page"] + delta))

    # One row that wraps (the buttons under the count on a phone): a container of three elements
    # where three columns were four blocks more, on every rerun of every paged list (bench/README.md,
    # thirteenth session).
    with st.container(horizontal=True, vertical_alignment="center", gap="small"):
        st.caption(_("{noun} {first}–{last} of {total:,} · page {page} of {pages}").format(
            noun=_(noun), first=first, last=last, total=result.total, page=state["page"] + 1,
            pages=result.page_count), width="stretch")
        st.button(_("Previous"), key=f"{key}_prev", disabled=state["page"] == 0, on_click=step, args=(-1,))
        st.button(_("Next"), key=f"{key}_next", disabled=state["page"] >= result.page_count - 1, on_click=step,
                  args=(1,))


def lazy_tabs(key: str, draws: dict[str, Callable[[], None]]) -> None:
    """Tabs of which only the chosen one runs and is sent (``on_change="rerun"``: a tab click reruns
    the page). ``draws`` maps each tab's label to what draws it, in order."""
    for tab, draw in zip(st.tabs(list(draws), key=key, on_change="rerun"), draws.values()):
        if tab.open:
            with tab:
                draw()
