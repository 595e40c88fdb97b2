"""Read-only tables: the rows a page built, handed to ``st.dataframe`` as an Arrow table.

Given a list of dicts, ``st.dataframe`` builds a pandas DataFrame and converts that to Arrow on
every rerun; a table of 25 rows and 7 text columns took 1.7 ms so against 0.15 ms from
``pyarrow.Table.from_pylist``, the largest single cost of a rep's My day (bench/README.md, "Round 2,
tenth session"). The Arrow table shows the same columns, in the same order, with the same types
(text, numbers, dates, Decimal as decimal); only pandas' row index is gone, which every table here
hides anyway. Rows Arrow cannot type (a column mixing numbers and text) go to Streamlit as they
are, which converts them as before.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence

import pyarrow as pa
import streamlit as st


def arrow_rows(rows: Sequence[Mapping]) -> pa.Table | Sequence[Mapping]:
    """``rows`` (dicts with the same keys, in column order) as an Arrow table, or as they are."""
    if not rows:
        return rows
    try:
        return pa.Table.from_pylist(list(rows))
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError, TypeError):
        return rows


def dataframe(rows: Sequence[Mapping], **kwargs):
    """``st.dataframe`` of a list of row dicts (a read-only table), converted by ``arrow_rows``."""
    return st.dataframe(arrow_rows(rows), **kwargs)
