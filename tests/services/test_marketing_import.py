"""Lead import: files, encodings, mapping, validation, de-duplication, atomicity, undo, scale (issue 4 §3)."""
import csv
import io
import tracemalloc

import pytest
from sqlalchemy import func
from sqlmodel import select

from models.db import read_session, write_session
from models.enums import LeadStatus
from models.errors import ValidationFailed
from models.tables import AuditLog, ImportBatch, Lead
from queries.scope import AccessDenied
from services import lead_import
from services.codes import format_code, parse_code
from services.lead_import_parsing import UploadRejected, auto_mapping, check_upload, open_lead_file, read_header
from tests.marketing_world import build_world, csv_bytes, xlsx_bytes

HEADER = ["Company", "Email", "Name", "Phone", "Region"]
GOOD = [
    ["Hanbit Steel", "ceo@hanbit.example", "Kim Minjun", "010-1111-2222", ""],
    ["New Co A", "a@newco.example", "Lee A", "", "seoul 서울"],
    ["New Co B", "B@NEWCO.example ", "Lee B", "", "sel"],
]
BAD = [
    ["Bad Mail Co", "not-an-email", "X", "", "SEL"],          # row 5: bad email
    ["Lost Co", "lost@lost.example", "Y", "", "NOPE"],        # row 6: unknown territory
    ["", "nobody@nowhere.example", "Z", "", "SEL"],           # row 7: missing company
    ["New Co A again", "A@newco.example", "Lee A", "", "SEL"],  # row 8: duplicate of row 3 (same email)
]


def _count_leads(engine, **where) -> int:
    with read_session(engine) as s:
        query = select(func.count(Lead.id))
        for name, value in where.items():
            query = query.where(getattr(Lead, name) == value)
        return int(s.exec(query).one())


def _import(engine, viewer, data: bytes, filename: str, campaign_id: int, mapping=None, **kw):
    lead_file = open_lead_file(filename, data)
    mapping = mapping or auto_mapping(read_header(lead_file))
    with write_session(engine) as s:
        return lead_import.import_leads(viewer, lead_file, mapping, campaign_id=campaign_id, session=s, **kw)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp949"])
def test_korean_csv_in_every_encoding_is_detected_and_imported(engine, encoding):
    world = build_world(engine)
    rows = [["회사명", "이메일", "이름", "연락처", "지역"],
            ["한빛철강", "kim@hanbit.example", "김민준", "010-1234-5678", "서울"],
            ["가온식품", "", "박서연", "", "Busan 부산"]]
    rows[1][4] = "Seoul 서울"
    data = csv_bytes(rows, encoding)
    lead_file = open_lead_file("참석자.csv", data)
    assert lead_file.encoding == ("cp949" if encoding == "cp949" else "utf-8-sig")
    assert auto_mapping(read_header(lead_file)) == {"company": 0, "email": 1, "contact_name": 2, "phone": 3,
                                                    "territory": 4}
    report = _import(engine, world.marketer, data, "참석자.csv", world.campaign.id)
    assert (report.good_rows, report.rejected_rows) == (2, 0)
    with read_session(engine) as s:
        leads = s.exec(select(Lead).order_by(Lead.code)).all()
        assert [(lead.company, lead.contact_name, lead.territory_id) for lead in leads] == [
            ("한빛철강", "김민준", world.sel.id), ("가온식품", "박서연", world.bsn.id)]
        # Codes of the lead scheme (services/codes.py), one block in the file's row order.
        first = parse_code("lead", leads[0].code)
        assert first is not None and leads[1].code == format_code("lead", first + 1)


def test_xlsx_with_english_headers_in_any_case_and_spacing(engine):
    world = build_world(engine)
    data = xlsx_bytes([["  COMPANY name", "E-Mail", "full name", "Mobile", "territory"],
                       ["Key Corp", "buyer@key.example", "Choi", 1012345678, "BSN"],
                       [None, None, None, None, None],
                       ["Hanbit Steel", "ops@hanbit.example", "Jung", "010", "SEL"]])
    lead_file = open_lead_file("leads.xlsx", data)
    assert lead_file.kind == "xlsx"
    assert auto_mapping(read_header(lead_file)) == {"company": 0, "email": 1, "contact_name": 2, "phone": 3,
                                                    "territory": 4}
    report = _import(engine, world.marketer, data, "leads.xlsx", world.campaign.id)
    assert (report.total_rows, report.good_rows) == (2, 2)  # the blank row is skipped
    with read_session(engine) as s:
        phones = s.exec(select(Lead.phone).order_by(Lead.code)).all()
    assert phones == ["1012345678", "010"]


def test_the_user_can_override_the_column_mapping(engine):
    world = build_world(engine)
    data = csv_bytes([["Org", "Mail", "Who"], ["Mapped Co", "m@mapped.example", "Han"]])
    lead_file = open_lead_file("x.csv", data)
    assert auto_mapping(read_header(lead_file))["company"] is None
    with pytest.raises(ValidationFailed, match="company"), read_session(engine) as s:
        lead_import.preview_import(world.marketer, lead_file, auto_mapping(read_header(lead_file)),
                                   campaign_id=world.campaign.id, session=s)
    report = _import(engine, world.marketer, data, "x.csv", world.campaign.id,
                     mapping={"company": 0, "email": 1, "contact_name": 2})
    assert report.good_rows == 1


def test_preview_lists_every_problem_row_with_its_reasons_and_writes_nothing(engine):
    world = build_world(engine)
    data = csv_bytes([HEADER, *GOOD, *BAD])
    lead_file = open_lead_file("event.csv", data)
    with read_session(engine) as s:
        report = lead_import.preview_import(world.marketer, lead_file, auto_mapping(read_header(lead_file)),
                                            campaign_id=world.campaign.id, session=s)
    assert (report.total_rows, report.good_rows, report.rejected_rows) == (7, 3, 4)
    reasons = {p.row_no: p.reasons for p in report.problems}
    # Each problem names its column as the file spells it; an unknown territory lists what is accepted.
    assert reasons == {5: ["Email: not a valid e-mail address 'not-an-email'"],
                       6: ["Region: unknown territory 'NOPE'; use a code or a name: "
                           "BSN (Busan 부산), GGD (Gyeonggi 경기), SEL (Seoul 서울)"],
                       7: ["Company: missing"],
                       8: ["duplicate of row 3 in this file"]}
    assert _count_leads(engine) == 0
    with read_session(engine) as s:
        assert s.exec(select(ImportBatch)).first() is None


def test_import_takes_only_the_good_rows_and_returns_the_rejects_with_reasons(engine):
    world = build_world(engine)
    bad_formula = ["=HYPERLINK(\"http://evil\")", "bad", "@SUM(1)", "+1", "SEL"]
    data = csv_bytes([HEADER, *GOOD, *BAD, bad_formula])
    report = _import(engine, world.marketer, data, "event.csv", world.campaign.id)
    assert (report.good_rows, report.rejected_rows) == (3, 5)
    assert _count_leads(engine, import_batch_id=report.batch_id) == 3
    text = report.rejects_csv.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["row", *HEADER, "reasons"]
    assert [r[0] for r in rows[1:]] == ["5", "6", "7", "8", "9"]
    assert rows[2][-1].startswith("Region: unknown territory 'NOPE'; use a code or a name: BSN (Busan 부산)")
    assert rows[5][1] == "'=HYPERLINK(\"http://evil\")" and rows[5][3] == "'@SUM(1)" and rows[5][4] == "'+1"
    with read_session(engine) as s:
        batch = s.get(ImportBatch, report.batch_id)
        assert batch.row_count == 3 and batch.filename == "event.csv"
        entry = s.exec(select(AuditLog).where(AuditLog.entity == "import_batch")).one()
        assert '"imported": 3' in entry.detail and '"rejected": 5' in entry.detail


def test_the_same_file_twice_creates_no_duplicates(engine):
    world = build_world(engine)
    data = csv_bytes([HEADER, *GOOD, ["No Mail Co", "", "Park", "", "BSN"]])
    first = _import(engine, world.marketer, data, "a.csv", world.campaign.id)
    second = _import(engine, world.marketer, data, "a.csv", world.campaign.id)
    assert (first.good_rows, second.good_rows, second.rejected_rows) == (4, 0, 4)
    assert all("already a lead of this campaign" in p.reasons[0] for p in second.problems)
    assert _count_leads(engine) == 4
    # Matched on normalized email, else company + name: a re-typed copy is still caught.
    retyped = csv_bytes([HEADER, ["Whatever", " CEO@HANBIT.example", "", "", ""],
                         ["no  mail co", "", " park ", "", ""]])
    third = _import(engine, world.marketer, retyped, "b.csv", world.campaign.id)
    assert third.good_rows == 0 and third.rejected_rows == 2


def test_a_crash_mid_import_leaves_nothing(engine, monkeypatch):
    world = build_world(engine)
    rows = [HEADER] + [[f"Firm {i}", f"p{i}@firm.example", f"P{i}", "", "SEL"] for i in range(10)]
    calls = []
    real_insert = lead_import._insert_leads

    def failing_insert(session, batch_rows):
        calls.append(len(batch_rows))
        if len(calls) > 1:
            raise RuntimeError("disk full")
        real_insert(session, batch_rows)

    monkeypatch.setattr(lead_import, "CHUNK_ROWS", 3)
    monkeypatch.setattr(lead_import, "_insert_leads", failing_insert)
    with pytest.raises(RuntimeError, match="disk full"):
        _import(engine, world.marketer, csv_bytes(rows), "crash.csv", world.campaign.id)
    assert calls == [3, 3]
    assert _count_leads(engine) == 0
    with read_session(engine) as s:
        assert s.exec(select(ImportBatch)).first() is None
        assert s.exec(select(AuditLog).where(AuditLog.entity == "import_batch")).first() is None


def test_undo_removes_an_untouched_batch_and_a_touched_lead_blocks_it(engine):
    world = build_world(engine)
    data = csv_bytes([HEADER, *GOOD])
    report = _import(engine, world.marketer, data, "u.csv", world.campaign.id)
    with write_session(engine) as s:
        assert lead_import.undo_batch(world.marketer, report.batch_id, session=s) == 3
    assert _count_leads(engine) == 0
    with read_session(engine) as s:
        assert s.get(ImportBatch, report.batch_id).undone_at is not None
    with pytest.raises(ValidationFailed, match="already undone"), write_session(engine) as s:
        lead_import.undo_batch(world.marketer, report.batch_id, session=s)
    again = _import(engine, world.marketer, data, "u.csv", world.campaign.id)
    assert again.good_rows == 3  # undone leads no longer count as duplicates
    with write_session(engine) as s:
        lead = s.exec(select(Lead).where(Lead.import_batch_id == again.batch_id).order_by(Lead.code)).first()
        lead.status = LeadStatus.working
        lead.first_touch_at = lead.assigned_at
        s.add(lead)
        blocking = lead.code
    with pytest.raises(ValidationFailed) as err, write_session(engine) as s:
        lead_import.undo_batch(world.marketer, again.batch_id, session=s)
    assert blocking in str(err.value) and "1 of its leads" in str(err.value)
    assert _count_leads(engine) == 3


def test_reps_and_managers_may_not_import_or_undo(engine):
    world = build_world(engine)
    lead_file = open_lead_file("x.csv", csv_bytes([HEADER, *GOOD]))
    for viewer in (world.rep_viewer(world.alice), world.manager, world.executive):
        with pytest.raises(AccessDenied), write_session(engine) as s:
            lead_import.import_leads(viewer, lead_file, auto_mapping(HEADER), campaign_id=world.campaign.id, session=s)
        with pytest.raises(AccessDenied), write_session(engine) as s:
            lead_import.undo_batch(viewer, 1, session=s)


@pytest.mark.parametrize("filename,data,message", [
    ("leads.txt", b"Company\nX\n", "upload a .csv or .xlsx"),
    ("leads.xlsx", b"Company,Email\nX,y\n", "not an Excel workbook"),
    ("leads.csv", b"PK\x03\x04binary\x00junk", "not a text CSV"),
    ("leads.csv", b"", "empty"),
])
def test_uploads_are_checked_by_extension_and_content(filename, data, message):
    with pytest.raises(UploadRejected, match=message):
        check_upload(filename, data)


def test_uploads_over_the_size_limit_are_refused():
    with pytest.raises(UploadRejected, match="over the 1 MB upload limit"):
        check_upload("big.csv", b"a" * (1024 * 1024 + 1), max_mb=1)


@pytest.mark.slow
def test_a_50000_row_file_streams_with_progress_and_bounded_memory(engine):
    world = build_world(engine)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    for i in range(50_000):
        writer.writerow([f"Company {i}", f"person{i}@bulk.example", f"Person {i}", f"010-{i:08d}",
                         "SEL" if i % 2 else "BSN"])
    data = buffer.getvalue().encode("utf-8")
    del buffer
    lead_file = open_lead_file("bulk.csv", data)
    calls = []
    tracemalloc.start()
    try:
        with write_session(engine) as s:
            report = lead_import.import_leads(world.marketer, lead_file, auto_mapping(HEADER),
                                              campaign_id=world.campaign.id, session=s,
                                              progress=lambda done, total: calls.append((done, total)))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert report.good_rows == 50_000 and report.rejected_rows == 0
    assert calls[0] == (0, 50_000) and calls[-1] == (50_000, 50_000) and len(calls) >= 50
    # The file is ~4 MB; the per-file dedup keys and one 1,000-row chunk dominate. Loading it all as
    # ORM objects or a DataFrame would take several hundred MB.
    assert peak < 80 * 1024 * 1024, f"peak {peak / 1048576:.1f} MB"
    assert _count_leads(engine, import_batch_id=report.batch_id) == 50_000
    # Fewest open leads first: SEL's two reps share 25,000 leads, BSN's one rep takes the other 25,000.
    assert report.assigned_by_rep == {"Bsn.Dana": 25_000, "Sel.Alice": 12_500, "Sel.Bora": 12_500}


def test_a_korean_lead_list_with_korean_region_names_imports_every_row(engine):
    """지역 = 서울/부산/경기 (and the official forms, English names and codes) all find their territory;
    a region that is no territory is refused in Korean, named by the file's own column, with the
    accepted values."""
    from i18n import use_language

    world = build_world(engine)
    regions = ["서울", "부산", "경기", "서울특별시", "부산광역시", "경기도", "Seoul", "busan", "GGD", "서울 "] * 2
    rows = [["회사명", "이메일", "이름", "지역"]] + [[f"회사{i}", f"p{i}@corp.example", f"담당{i}", r]
                                                  for i, r in enumerate(regions)]
    data = csv_bytes(rows, "cp949")
    report = _import(engine, world.marketer, data, "리드.csv", world.campaign.id)
    assert (report.total_rows, report.good_rows, report.rejected_rows) == (20, 20, 0)
    with read_session(engine) as s:
        by_region = dict(s.exec(select(Lead.company, Lead.territory_id)).all())
    assert {by_region[f"회사{i}"] for i in (0, 3, 6, 9)} == {world.sel.id}
    assert {by_region[f"회사{i}"] for i in (1, 4, 7)} == {world.bsn.id}
    assert {by_region[f"회사{i}"] for i in (2, 5, 8)} == {world.ggd.id}

    bad = csv_bytes([["회사명", "지역"], ["제주상사", "제주"]])
    lead_file = open_lead_file("리드.csv", bad)
    with use_language("ko"), read_session(engine) as s:
        preview = lead_import.preview_import(world.marketer, lead_file, auto_mapping(read_header(lead_file)),
                                             campaign_id=world.campaign.id, session=s)
    assert [p.reasons for p in preview.problems] == [
        ["지역: 알 수 없는 지역 '제주'. 코드나 이름으로 쓰세요: BSN (Busan 부산), GGD (Gyeonggi 경기), SEL (Seoul 서울)"]]


def test_each_rep_given_leads_is_told_once_with_their_number_and_their_mail_choice(engine):
    """One lead_assigned notification per rep of the import (all written in one flush), with the
    number of leads that rep got and the rep's e-mail preference at that moment."""
    import json

    from models.enums import NotificationKind, NotifyPreference
    from models.tables import Notification, User

    world = build_world(engine)
    with write_session(engine) as s:
        dana = s.get(User, world.dana.id)
        dana.email, dana.notify = "dana@example.com", NotifyPreference.email
        s.add(dana)
    rows = [[f"Company {i}", f"c{i}@example.com", f"Person {i}", "", region]
            for i, region in enumerate(["SEL"] * 5 + ["BSN"] * 3)]
    report = _import(engine, world.marketer, csv_bytes([HEADER, *rows]), "leads.csv", world.campaign.id)
    assert report.good_rows == 8
    with read_session(engine) as s:
        given = dict(s.exec(select(Lead.assigned_to_id, func.count()).where(Lead.import_batch_id == report.batch_id)
                            .group_by(Lead.assigned_to_id)).all())
        notes = s.exec(select(Notification).where(Notification.kind == NotificationKind.lead_assigned)).all()
    assert sorted(n.user_id for n in notes) == sorted(given) and sum(given.values()) == 8
    assert {world.dana.id, world.alice.id, world.bora.id} <= set(given) and world.carl.id not in given  # carl is inactive
    for n in notes:
        assert (n.entity, n.entity_key) == ("campaign", world.campaign.code)
        assert json.loads(n.params) == {"n": given[n.user_id], "campaign": world.campaign.name}
        assert n.mail == ("email" if n.user_id == world.dana.id else None)


def test_the_account_lookup_matches_any_case_and_leaves_the_planner_as_it_was(engine):
    """Companies match accounts case-insensitively (ix_account_name_lower); on PostgreSQL the
    look-up turns sequential scans off for itself only, and the transaction's setting is back after."""
    from sqlalchemy import text

    world = build_world(engine)
    outcomes = [lead_import.RowOutcome(row_no=n, values={"company": company})
                for n, company in enumerate(["HANBIT   steel", "Nobody Ltd", ""], start=2)]
    with write_session(engine) as s:
        found = lead_import._accounts(outcomes, session=s)
        assert found == {"hanbit steel": (world.hanbit.id, world.sel.id, world.bora.id)}
        if engine.dialect.name == "postgresql":
            assert s.execute(text("SELECT current_setting('enable_seqscan')")).scalar_one() == "on"
