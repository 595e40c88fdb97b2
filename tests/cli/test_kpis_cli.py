"""manage.py kpis: the JSON contract, the readable table, and one-line errors for bad input."""
import json
from decimal import Decimal

import pytest

import manage
from models.db import get_engine
from tests import kpi_scenario as sc
from tests.conftest import _truncate_all
from tests.queries.test_kpis_all import KPIS_MD_KEYS

ARGS = ["kpis", "--from", "2026-03-01", "--to", "2026-03-31", "--as-of", sc.AS_OF_TEXT]


def _run(monkeypatch, capsys, url, argv):
    monkeypatch.setenv("DATABASE_URL", url)
    code = manage.main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def _decimal_json(text):
    return json.loads(text, parse_float=Decimal)


def test_json_has_exactly_the_kpi_keys_with_hand_worked_values(db_url, monkeypatch, capsys):
    sc.build(get_engine(db_url))
    code, out, err = _run(monkeypatch, capsys, db_url, [*ARGS, "--json"])
    assert code == 0 and err == ""
    got = _decimal_json(out)
    assert list(got) == KPIS_MD_KEYS
    sc.assert_kpis(got, sc.EXPECTED_ALL)
    # money is a JSON number, not a string; a zero denominator is null
    assert '"won_revenue": 2000.00' in out


def test_json_with_a_territory_splits_campaign_cost_exactly(db_url, monkeypatch, capsys):
    sc.build(get_engine(db_url))
    code, out, _ = _run(monkeypatch, capsys, db_url, [*ARGS, "--territory", "SEL", "--json"])
    assert code == 0
    got = _decimal_json(out)
    sc.assert_kpis(got, sc.EXPECTED_SEL)
    assert got["leads_per_event"] is None and '"leads_per_event": null' in out
    # 160 / 3 written with all its digits, not rounded to the cent
    assert str(got["marketing_spend"]).startswith("53.33333333333333333333")


def test_as_of_with_an_offset_is_the_same_moment(db_url, monkeypatch, capsys):
    sc.build(get_engine(db_url))
    _, local, _ = _run(monkeypatch, capsys, db_url, [*ARGS, "--json"])
    utc_args = [*ARGS[:-1], "2026-04-10T03:00:00+00:00", "--json"]
    _, utc, _ = _run(monkeypatch, capsys, db_url, utc_args)
    assert local == utc


def test_sqlite_and_postgresql_print_the_same_json(sqlite_url, pg_template_url, monkeypatch, capsys):
    pg = get_engine(pg_template_url)
    _truncate_all(pg)
    outputs = []
    for url in (sqlite_url, pg_template_url):
        sc.build(get_engine(url))
        for territory in ([], ["--territory", "SEL"], ["--territory", "BSN"]):
            code, out, _ = _run(monkeypatch, capsys, url, [*ARGS, *territory, "--json"])
            assert code == 0
            outputs.append(_decimal_json(out))
    for lite, post in zip(outputs[:3], outputs[3:]):
        assert list(lite) == list(post)
        for key in lite:
            sc.assert_value(post[key], lite[key], rel=1e-9, key=key)


def test_without_json_a_readable_aligned_table(db_url, monkeypatch, capsys):
    sc.build(get_engine(db_url))
    code, out, _ = _run(monkeypatch, capsys, db_url, ARGS)
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == ["won_revenue", "2,000.00"]
    assert "ltv_by_segment.enterprise" in out and "win_rate" in out
    assert len({len(line) for line in lines}) == 1  # right-aligned values: every line as wide


@pytest.mark.parametrize("argv, message", [
    (["--from", "2026-04-01", "--to", "2026-03-31"], "--from 2026-04-01 is after --to 2026-03-31"),
    (["--from", "2026-02-30", "--to", "2026-03-31"], "--from: not a date"),
    (["--from", "01/03/2026", "--to", "2026-03-31"], "--from: not a date"),
    (["--from", "2026-03-01", "--to", "tomorrow"], "--to: not a date"),
    (["--from", "2026-03-01", "--to", "2026-03-31", "--territory", "NOPE"], "unknown territory code 'NOPE'"),
    (["--from", "2026-03-01", "--to", "2026-03-31", "--as-of", "last tuesday"], "--as-of: not an ISO-8601"),
])
def test_bad_input_is_one_line_on_stderr_and_a_non_zero_exit(db_url, monkeypatch, capsys, argv, message):
    sc.build(get_engine(db_url))
    code, out, err = _run(monkeypatch, capsys, db_url, ["kpis", *argv, "--json"])
    assert code != 0
    assert out == ""
    assert len(err.strip().splitlines()) == 1 and message in err


def test_demo_data_gives_the_same_json_on_sqlite_and_postgresql(sqlite_url, pg_template_url, monkeypatch, capsys):
    from datetime import date

    from services.demo_seed import seed_demo

    _truncate_all(get_engine(pg_template_url))
    argv = ["kpis", "--from", "2025-07-01", "--to", "2026-06-30", "--as-of", "2026-06-15T12:00", "--json"]
    outputs = []
    for url in (sqlite_url, pg_template_url):
        seed_demo(engine=get_engine(url), seed=1, today=date(2026, 6, 15))
        for extra in ([], ["--territory", "SEL"]):
            code, out, _ = _run(monkeypatch, capsys, url, [*argv, *extra])
            assert code == 0
            outputs.append(_decimal_json(out))
    assert outputs[0]["won_deals"] > 0 and outputs[0]["leads_assigned"] > 0   # the demo is not empty
    for lite, post in zip(outputs[:2], outputs[2:]):
        assert list(lite) == list(post) == KPIS_MD_KEYS
        for key in lite:
            sc.assert_value(post[key], lite[key], rel=1e-9, key=key)
