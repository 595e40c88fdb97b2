"""Record codes (services/codes.py): one readable scheme per kind, safe with several writers at once,
never colliding with codes that came in through a bundle or were typed in."""
from __future__ import annotations

import csv
import re
import shutil
import threading
from datetime import date, datetime, timezone
from pathlib import Path

import pytest
from sqlalchemy import select

from models.db import get_engine, read_session, write_session
from models.tables import Campaign, Event, Lead, Opportunity
from services import codes
from services.bundle import import_bundle
from services.campaigns import CampaignInput, EventInput, create_campaign, create_event
from services.lead_import_parsing import auto_mapping, open_lead_file, read_header
from services import lead_import
from tests.factories import Builder
from tests.marketing_world import build_world, csv_bytes

FULL = Path(__file__).parents[1] / "data" / "bundle_full"
PATTERNS = {"lead": r"LD-\d{7}", "opportunity": r"OP-\d{7}", "campaign": r"CMP-\d{5}", "event": r"EV-\d{6}"}


@pytest.mark.parametrize("kind", sorted(PATTERNS))
def test_each_kind_has_one_fixed_width_readable_format(kind):
    assert re.fullmatch(PATTERNS[kind], codes.format_code(kind, 42))
    assert codes.format_code("lead", 381) == "LD-0000381"
    assert codes.format_code("opportunity", 316) == "OP-0000316"
    assert codes.format_code("campaign", 42) == "CMP-00042"
    assert codes.format_code("event", 42) == "EV-000042"
    # Fixed width: the text order is the number order.
    assert sorted(codes.format_code(kind, n) for n in (10, 9, 100, 1)) == [codes.format_code(kind, n) for n in (1, 9, 10, 100)]
    assert codes.parse_code(kind, codes.format_code(kind, 1234)) == 1234
    assert codes.parse_code(kind, codes.format_code(kind, 1234) + "0") is None
    assert codes.parse_code("lead", "LD-00003X1") is None and codes.parse_code("lead", "OP-0000381") is None


def test_allocation_starts_at_one_counts_up_and_hands_out_blocks(engine):
    with write_session(engine) as s:
        assert codes.allocate("lead", 1, session=s) == ["LD-0000001"]
        assert codes.allocate("lead", 3, session=s) == ["LD-0000002", "LD-0000003", "LD-0000004"]
        assert codes.allocate("lead", 0, session=s) == []
        assert codes.new_code("event", session=s) == "EV-000001"
        assert codes.new_code("lead", session=s) == "LD-0000005"


def test_allocation_starts_above_the_highest_existing_code_of_the_pattern(engine):
    with Builder(engine) as b:
        sel = b.territory("SEL", "Seoul 서울")
        c = b.campaign("CMP-00041", territories=(sel,))
        b.campaign("CMP-0009X")                                  # not of the pattern: ignored
        b.campaign("CMP-999999")                                 # wider than the pattern: ignored
        b.lead(c, code="LD-0000381", created_at=datetime(2026, 3, 1, tzinfo=timezone.utc))
        b.lead(c, code="LD-0000380", created_at=datetime(2026, 3, 1, tzinfo=timezone.utc))
        b.lead(c, code="IMP1-000002", created_at=datetime(2026, 3, 1, tzinfo=timezone.utc))
        b.opportunity(sel, code="OP-4488C847B9")                 # an old random code: ignored
    with write_session(engine) as s:
        assert codes.new_code("campaign", session=s) == "CMP-00042"
        assert codes.allocate("lead", 2, session=s) == ["LD-0000382", "LD-0000383"]
        assert codes.new_code("opportunity", session=s) == "OP-0000001"


def test_a_non_digit_code_inside_the_range_does_not_hide_the_highest_number(engine):
    with Builder(engine) as b:
        c = b.campaign("C1")
        at = datetime(2026, 3, 1, tzinfo=timezone.utc)
        b.lead(c, code="LD-0000007", created_at=at)
        for i in range(60):                                      # more than one page of the index walk
            b.lead(c, code=f"LD-9:{i:05d}", created_at=at)       # ':' sorts after '9'
    with write_session(engine) as s:
        assert codes.new_code("lead", session=s) == "LD-0000008"


def test_concurrent_writers_never_get_the_same_code(engine):
    """Eight threads, each in its own write transactions, allocate singles and blocks at once."""
    results: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    start = threading.Barrier(8)

    def work(worker: int) -> None:
        try:
            start.wait()
            for i in range(10):
                with write_session(engine) as s:
                    got = codes.allocate("lead", 1 + (worker + i) % 3, session=s)
                with lock:
                    results.extend(got)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(w,)) for w in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert errors == []
    assert len(results) == len(set(results))
    numbers = sorted(codes.parse_code("lead", c) for c in results)
    assert numbers == list(range(1, len(results) + 1))           # no collisions and no gaps here


def test_concurrent_lead_creations_all_commit_with_distinct_codes(engine):
    """The codes are written to the unique column by concurrent transactions: all commit."""
    with Builder(engine) as b:
        campaign_id = b.campaign("C1").id
    errors: list[BaseException] = []
    start = threading.Barrier(6)

    def work() -> None:
        try:
            start.wait()
            for _ in range(5):
                with write_session(engine) as s:
                    for code in codes.allocate("lead", 4, session=s):
                        s.add(Lead(code=code, campaign_id=campaign_id, company="ACME",
                                   created_at=datetime(2026, 3, 1, tzinfo=timezone.utc)))
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert errors == []
    with read_session(engine) as s:
        stored = s.execute(select(Lead.code)).scalars().all()
    assert len(stored) == 6 * 5 * 4 and all(re.fullmatch(PATTERNS["lead"], c) for c in stored)


def _rewrite_codes(bundle: Path, renames: dict[str, str]) -> None:
    """Every cell equal to an old code becomes the new code, in every file (keys and references)."""
    for path in bundle.glob("*.csv"):
        with open(path, encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.reader(handle))
        rows = [[renames.get(cell, cell) for cell in row] for row in rows]
        with open(path, "w", encoding="utf-8", newline="") as handle:
            csv.writer(handle, lineterminator="\n").writerows(rows)


def test_no_collision_after_importing_a_bundle_with_high_codes(engine, tmp_path):
    bundle = tmp_path / "bundle"
    shutil.copytree(FULL, bundle)
    _rewrite_codes(bundle, {"L1": "LD-0500000", "C1": "CMP-00900", "E1": "EV-000777", "O1": "OP-0123456"})
    import_bundle(bundle, engine=engine)
    with read_session(engine) as s:
        # The bundle's own codes are kept as they are.
        assert s.execute(select(Lead.code).where(Lead.code == "LD-0500000")).scalar() == "LD-0500000"
        assert s.execute(select(Lead.code).where(Lead.code == "L2")).scalar() == "L2"
    with write_session(engine) as s:
        assert codes.new_code("lead", session=s) == "LD-0500001"
        assert codes.new_code("campaign", session=s) == "CMP-00901"
        assert codes.new_code("event", session=s) == "EV-000778"
        assert codes.new_code("opportunity", session=s) == "OP-0123457"


def test_forms_and_lead_import_use_the_scheme_and_skip_imported_codes(engine):
    world = build_world(engine)
    with Builder(engine) as b:
        b.lead(world.campaign, code="LD-0000900", created_at=datetime(2026, 3, 1, tzinfo=timezone.utc))
        b.campaign("CMP-00070")
    with write_session(engine) as s:
        campaign = create_campaign(world.marketer, CampaignInput(
            name="Autumn", channel="event", start_date=date(2026, 9, 1), end_date=date(2026, 9, 30),
            territory_ids=[world.sel.id]), session=s)
        event = create_event(world.marketer, campaign.id, EventInput(
            title="Seoul seminar", kind="seminar", territory_id=world.sel.id,
            starts_at=datetime(2026, 9, 10, 5, tzinfo=timezone.utc),
            ends_at=datetime(2026, 9, 10, 8, tzinfo=timezone.utc)), session=s)
        assert (campaign.code, event.code) == ("CMP-00071", "EV-000001")
    data = csv_bytes([["Company", "Email", "Name"]] + [[f"Co {i}", f"x{i}@co.example", f"N {i}"] for i in range(5)])
    lead_file = open_lead_file("leads.csv", data)
    with write_session(engine) as s:
        report = lead_import.import_leads(world.marketer, lead_file, auto_mapping(read_header(lead_file)),
                                          campaign_id=world.campaign.id, session=s)
    with read_session(engine) as s:
        imported = s.execute(select(Lead.company, Lead.code).where(Lead.import_batch_id == report.batch_id)
                             .order_by(Lead.code)).all()
    assert imported == [(f"Co {i}", codes.format_code("lead", 901 + i)) for i in range(5)]


def test_a_large_import_takes_its_codes_in_blocks(engine, monkeypatch):
    world = build_world(engine)
    calls: list[int] = []
    real = codes.allocate

    def spy(kind, n=1, *, session):
        calls.append(n)
        return real(kind, n, session=session)

    monkeypatch.setattr(codes, "allocate", spy)
    rows = [["Company", "Email"]] + [[f"Co {i}", f"x{i}@co.example"] for i in range(lead_import.CHUNK_ROWS + 10)]
    lead_file = open_lead_file("leads.csv", csv_bytes(rows))
    with write_session(engine) as s:
        report = lead_import.import_leads(world.marketer, lead_file, auto_mapping(read_header(lead_file)),
                                          campaign_id=world.campaign.id, session=s)
    assert report.good_rows == lead_import.CHUNK_ROWS + 10
    assert calls == [lead_import.CHUNK_ROWS, 10]                # one block per chunk, not one call per row
    with read_session(engine) as s:
        stored = s.execute(select(Lead.code).order_by(Lead.code)).scalars().all()
    assert stored == [codes.format_code("lead", n) for n in range(1, len(rows))]


def test_the_demo_shows_the_same_scheme(demo_db):
    engine = get_engine(demo_db)
    with read_session(engine) as s:
        for kind, model in (("lead", Lead), ("opportunity", Opportunity), ("campaign", Campaign), ("event", Event)):
            sample = s.execute(select(model.code)).scalars().all()
            assert sample and all(re.fullmatch(PATTERNS[kind], c) for c in sample), kind
    with write_session(engine) as s:
        highest = codes.highest_existing("lead", session=s)
        assert codes.new_code("lead", session=s) == codes.format_code("lead", highest + 1)
