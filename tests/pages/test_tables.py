"""Read-only tables go to st.dataframe as Arrow tables (issue 18): the same columns, order,
types and values as the rows; rows Arrow cannot type are handed over unchanged."""
from datetime import date, datetime, timezone
from decimal import Decimal

import pyarrow as pa

from ui.tables import arrow_rows


def test_rows_become_an_arrow_table_with_their_columns_types_and_values():
    rows = [{"Lead": "L-1", "Leads": 3, "Amount": Decimal("1200.50"), "On": date(2026, 12, 1),
             "At": datetime(2026, 12, 1, 9, 30, tzinfo=timezone.utc), "Rate": 0.25, "Note": None, "OK": True},
            {"Lead": "L-2", "Leads": 0, "Amount": None, "On": None, "At": None, "Rate": None, "Note": "x", "OK": False}]
    table = arrow_rows(rows)
    assert isinstance(table, pa.Table)
    assert table.column_names == ["Lead", "Leads", "Amount", "On", "At", "Rate", "Note", "OK"]
    assert table.to_pylist() == rows
    types = {f.name: f.type for f in table.schema}
    assert pa.types.is_string(types["Lead"]) and pa.types.is_integer(types["Leads"])
    assert pa.types.is_decimal(types["Amount"]) and pa.types.is_date(types["On"])
    assert pa.types.is_timestamp(types["At"]) and pa.types.is_boolean(types["OK"])


def test_korean_text_and_a_column_of_nothing_keep():
    rows = [{"이벤트": "서울 세미나", "비고": None}, {"이벤트": "부산 전시회", "비고": None}]
    assert arrow_rows(rows).to_pylist() == rows


def test_rows_arrow_cannot_type_are_handed_over_unchanged():
    mixed = [{"Key": 1}, {"Key": "one"}]   # a column mixing numbers and text
    assert arrow_rows(mixed) is mixed
    assert arrow_rows([]) == []
