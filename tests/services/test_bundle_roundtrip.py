"""The CSV bundle (docs/BUNDLE.md): export → import into an empty database → export is the same,
import is idempotent, values survive exactly; on SQLite and PostgreSQL."""
from __future__ import annotations

import csv
import io
import shutil
import zipfile
from datetime import date, datetime, timezone
from decimal import Decimal
from pathlib import Path

import bcrypt
import pytest
from sqlalchemy import func, select, text
from sqlmodel import Session

import manage
from models.tables import (
    Activity, AuditLog, Campaign, CampaignTerritory, Event, Feedback, Lead, MonthlyTarget, NoteRead,
    Opportunity, Territory, User,
)
from services.bundle import (
    FILES, BundleInvalid, export_bundle, export_bundle_zip, import_bundle, import_bundle_zip,
)
from tests.zip_support import zip_bytes

FULL = Path(__file__).parents[1] / "data" / "bundle_full"
UTC = timezone.utc


def read_rows(directory: Path, name: str) -> list[tuple[str, ...]]:
    with open(directory / name, encoding="utf-8", newline="") as handle:
        return sorted(map(tuple, csv.reader(handle)))


def assert_same_bundle(a: Path, b: Path, *, audit_log_grows_by: int = 0) -> None:
    for spec in FILES:
        rows_a, rows_b = read_rows(a, spec.name), read_rows(b, spec.name)
        if spec.name == "audit_log.csv":
            assert set(rows_a) <= set(rows_b)
            assert len(rows_b) == len(rows_a) + audit_log_grows_by
        else:
            assert rows_a == rows_b, spec.name


def wipe(engine) -> None:
    """Empty every table (an 'empty database' for the second half of a round trip)."""
    from sqlmodel import SQLModel

    with engine.begin() as conn:
        conn.execute(text("UPDATE lead SET opportunity_id = NULL"))
        for table in reversed(SQLModel.metadata.sorted_tables):
            conn.execute(table.delete())


def count(engine, model) -> int:
    with Session(engine) as session:
        return session.execute(select(func.count()).select_from(model)).scalar_one()


def test_export_of_an_empty_database_writes_all_16_files_with_headers(engine, tmp_path):
    counts = export_bundle(tmp_path / "out", engine=engine)
    assert list(counts) == [f.name for f in FILES] and len(FILES) == 16
    for spec in FILES:
        lines = (tmp_path / "out" / spec.name).read_text(encoding="utf-8").splitlines()
        assert lines == [",".join(spec.column_names)]


def test_round_trip_export_import_export_gives_the_same_files(engine, tmp_path):
    import_bundle(FULL, engine=engine)
    first = tmp_path / "first"
    export_bundle(first, engine=engine)
    wipe(engine)
    import_bundle(first, engine=engine)
    second = tmp_path / "second"
    export_bundle(second, engine=engine)
    assert_same_bundle(first, second, audit_log_grows_by=1)   # the second import's own entry


def test_values_survive_exactly(engine, tmp_path):
    import_bundle(FULL, engine=engine)
    with Session(engine) as s:
        # Korean, quotes, commas and newlines in text
        lead = s.execute(select(Lead).where(Lead.code == "L1")).scalar_one()
        assert lead.contact_name == "홍길동" and lead.company == 'Samsung "Semi" Co.'
        campaign = s.execute(select(Campaign).where(Campaign.code == "C1")).scalar_one()
        assert campaign.objective == "Line one\r\nline two, with comma"      # campaigns.csv is a CRLF file
        note_body = s.execute(text("SELECT body_md FROM campaign_note WHERE version = 1")).scalar_one()
        assert note_body == '**Say this**: "one voice", always.\n- point 1\n- 포인트 2'
        assert campaign.name == "Spring Summit, 2025"
        # money exact to the cent, stored as integer hundredths
        assert campaign.actual_cost == Decimal("42500000.50")
        raw = s.execute(text("SELECT actual_cost FROM campaign WHERE code = 'C1'")).scalar_one()
        assert raw == 4_250_000_050
        assert s.execute(select(Opportunity.amount).where(Opportunity.code == "O2")).scalar_one() == Decimal("0.05")
        # with an offset: kept; without: company time zone (Asia/Seoul, +09:00); 'Z' = UTC
        assert lead.created_at == datetime(2025, 3, 10, 6, 0, tzinfo=UTC)
        l2 = s.execute(select(Lead).where(Lead.code == "L2")).scalar_one()
        assert l2.created_at == datetime(2025, 3, 20, 2, 0, tzinfo=UTC)          # 11:00 KST
        assert l2.disqualify_reason == 'no_budget: said "next year"'
        l3 = s.execute(select(Lead).where(Lead.code == "L3")).scalar_one()
        assert l3.created_at == datetime(2025, 5, 15, 1, 0, 0, 123456, tzinfo=UTC)
        e3 = s.execute(select(Event).where(Event.code == "E3")).scalar_one()
        assert e3.starts_at == datetime(2025, 5, 15, 1, 0, tzinfo=UTC) and e3.status == "scheduled"
        # leads and opportunities point at each other
        o1 = s.execute(select(Opportunity).where(Opportunity.code == "O1")).scalar_one()
        assert lead.opportunity_id == o1.id and o1.lead_id == lead.id
        # campaign territories, targets' months, the manager link
        codes = set(s.execute(select(Territory.code).join(CampaignTerritory, CampaignTerritory.territory_id == Territory.id)
                              .where(CampaignTerritory.campaign_id == campaign.id)).scalars())
        assert codes == {"SEL", "BSN"}
        months = set(s.execute(select(MonthlyTarget.month)).scalars())
        assert months == {date(2025, 3, 1), date(2025, 4, 1)}
        rep = s.execute(select(User).where(User.username == "rep.lee")).scalar_one()
        manager = s.execute(select(User).where(User.username == "mgr.kim")).scalar_one()
        assert rep.manager_id == manager.id and rep.display_name == "Lee, Jiwoo"
        # users keep password hashes and active flags: they sign in with their old password
        assert bcrypt.checkpw(b"old-password-1", rep.password_hash.encode())
        park = s.execute(select(User).where(User.username == "rep.park")).scalar_one()
        assert park.active is False and park.password_hash is None
        assert s.execute(select(func.count()).select_from(NoteRead)).scalar_one() == 2
        fb = s.execute(select(Feedback).where(Feedback.kind == "objection")).scalar_one()
        assert fb.answer == "Use the TCO sheet\n(attached)"
    out = tmp_path / "out"
    export_bundle(out, engine=engine)
    leads = {r[0]: r for r in read_rows(out, "leads.csv")}
    assert leads["L2"][11] == "2025-03-20T11:00:00+09:00"                       # written with its offset
    campaigns = {r[0]: r for r in read_rows(out, "campaigns.csv")}
    assert campaigns["C1"][8] == "42500000.50" and campaigns["C1"][11] == "BSN;SEL"
    users = {r[0]: r for r in read_rows(out, "users.csv")}
    assert users["rep.park"][6] == "false" and users["rep.lee"][6] == "true"
    targets = read_rows(out, "targets.csv")
    assert ("SEL", "2025-03", "100000000.00", "90000000.00", "12") in targets
    assert users["mgr.kim"][8:] == ("en", "email") and users["rep.lee"][8:] == ("", "digest")
    assert users["exec.jung"][8:] == ("", "inbox")                               # notify defaults to inbox
    assert read_rows(out, "lead_rejections.csv") == sorted([
        ("L4", "rep.lee", "not_a_fit", "Too small, a 2-person shop", "2025-03-12T11:00:00+09:00"),
        ("L5", "rep.lee", "too_early", "", "2025-03-12T10:30:00+09:00"),
        ("lead", "username", "reason", "note", "rejected_at")])
    # L1 brings its deadline; L2 has none: computed by the bundle's own policy (settings.csv:
    # business hours 09-18 Mon-Fri, 24 h) from Thu 2025-03-20 12:00: Thu 6 h + Fri 9 h + Mon 9 h.
    assert leads["L1"][13:17] == ("2025-03-11T16:00:00+09:00", "2025-03-11T09:00:00+09:00", "",
                                  "2025-03-11T09:00:00+09:00")
    assert leads["L2"][13] == "2025-03-24T18:00:00+09:00"
    assert leads["L4"][10] == "rejected" and leads["L4"][9] == ""
    assert leads["L5"][10] == "nurture" and leads["L5"][15] == "2025-03-14T10:00:00+09:00"
    audit = read_rows(out, "audit_log.csv")
    assert ("2025-03-01T09:00:00+09:00", "mkt.choi", "publish", "campaign_note", "C1 v1",
            '{"version": 1, "note": "한글"}') in audit


def test_formulas_are_written_as_they_are(engine, tmp_path):
    bundle = tmp_path / "b"
    bundle.mkdir()
    (bundle / "territories.csv").write_text('code,name\nT1,"=HYPERLINK(""x"")"\nT2,+1;@SUM\n', encoding="utf-8")
    import_bundle(bundle, engine=engine)
    export_bundle(tmp_path / "out", engine=engine)
    assert read_rows(tmp_path / "out", "territories.csv") == [
        ("T1", '=HYPERLINK("x")'), ("T2", "+1;@SUM"), ("code", "name")]


def test_importing_twice_is_importing_once(engine, tmp_path):
    import_bundle(FULL, engine=engine)
    once = tmp_path / "once"
    export_bundle(once, engine=engine)
    counts = {m: count(engine, m) for m in (Lead, Opportunity, Activity, CampaignTerritory, NoteRead, Feedback)}
    with Session(engine) as s:
        versions = dict(s.execute(select(Lead.code, Lead.version)).all())
    import_bundle(FULL, engine=engine)
    twice = tmp_path / "twice"
    export_bundle(twice, engine=engine)
    assert_same_bundle(once, twice, audit_log_grows_by=1)
    assert {m: count(engine, m) for m in counts} == counts
    with Session(engine) as s:
        assert dict(s.execute(select(Lead.code, Lead.version)).all()) == versions   # unchanged rows untouched


def test_import_updates_rows_matched_on_their_keys(engine, tmp_path):
    import_bundle(FULL, engine=engine)
    changed = tmp_path / "changed"
    changed.mkdir()
    (changed / "leads.csv").write_text(
        "code,campaign,company,status,created_at,territory,opportunity\n"
        "L3,C2,한빛소프트 (renamed),working,2025-05-15T10:00:00.123456+09:00,ICN,O2\n", encoding="utf-8")
    (changed / "campaigns.csv").write_text(
        "code,name,channel,status,start_date,end_date,territories\n"
        "C1,Spring Summit,event,completed,2025-03-01,2025-04-30,ICN\n", encoding="utf-8")
    (changed / "activities.csv").write_text(
        "username,kind,occurred_at,opportunity,notes\n"
        "rep.lee,meeting,2025-03-16T01:00:00+00:00,O1,First (edited)\n", encoding="utf-8")
    (changed / "settings.csv").write_text("key,value\nsla_hours,48\n", encoding="utf-8")
    import_bundle(changed, engine=engine)
    with Session(engine) as s:
        l3 = s.execute(select(Lead).where(Lead.code == "L3")).scalar_one()
        o2 = s.execute(select(Opportunity).where(Opportunity.code == "O2")).scalar_one()
        assert (l3.company, l3.status, l3.opportunity_id, l3.version) == ("한빛소프트 (renamed)", "working", o2.id, 2)
        c1 = s.execute(select(Campaign).where(Campaign.code == "C1")).scalar_one()
        # a missing optional column means null; the territory set is replaced
        assert c1.objective is None and c1.budget is None and c1.version == 2
        codes = s.execute(select(Territory.code).join(CampaignTerritory, CampaignTerritory.territory_id == Territory.id)
                          .where(CampaignTerritory.campaign_id == c1.id)).scalars().all()
        assert codes == ["ICN"]
        # the first of the two same-minute meetings (matched by occurrence) got the new notes
        notes = s.execute(select(Activity.notes).where(Activity.kind == "meeting").order_by(Activity.id)).scalars().all()
        assert notes == ["First (edited)", "Second (same minute)"]
        assert s.execute(text("SELECT value FROM setting WHERE key = 'sla_hours'")).scalar_one() == "48"
    assert count(engine, Lead) == 5 and count(engine, Activity) == 5


def test_import_writes_one_audit_entry_with_counts(engine):
    import_bundle(FULL, engine=engine, username="admin")
    with Session(engine) as s:
        entry = s.execute(select(AuditLog).where(AuditLog.action == "import")).scalar_one()
    assert entry.username == "admin" and entry.entity == "bundle"
    assert '"leads.csv": 5' in entry.detail and '"lead_rejections.csv": 2' in entry.detail


def test_references_may_point_at_rows_already_in_the_database(engine, tmp_path):
    import_bundle(FULL, engine=engine)
    more = tmp_path / "more"
    more.mkdir()
    (more / "leads.csv").write_text("code,campaign,company,status,created_at,territory,assigned_to\n"
                                    "L9,C2,New Co,new,2025-06-01T09:00:00,BSN,rep.park\n", encoding="utf-8")
    import_bundle(more, engine=engine)
    assert count(engine, Lead) == 6


def test_zip_round_trip_between_databases(engine, tmp_path):
    import_bundle(FULL, engine=engine)
    blob = export_bundle_zip(engine=engine)
    with zipfile.ZipFile(io.BytesIO(blob)) as archive:
        assert sorted(archive.namelist()) == sorted(f.name for f in FILES)
        archive.extractall(tmp_path / "first")
    wipe(engine)
    report = import_bundle_zip(blob, engine=engine, username="admin", max_unzipped_bytes=10_000_000)
    assert report.rows["leads.csv"] == 5
    export_bundle(tmp_path / "second", engine=engine)
    assert_same_bundle(tmp_path / "first", tmp_path / "second", audit_log_grows_by=1)


@pytest.mark.parametrize("name", ["../territories.csv", "/etc/territories.csv", "a/../../territories.csv"])
def test_zip_with_unsafe_paths_is_refused_before_extracting(engine, tmp_path, name):
    blob = zip_bytes({name: b"code,name\nT1,One\n"})
    with pytest.raises(BundleInvalid, match="unsafe path"):
        import_bundle_zip(blob, engine=engine, username=None, max_unzipped_bytes=1_000_000)
    assert count(engine, Territory) == 0


def test_zip_larger_than_the_limit_unzipped_is_refused(engine):
    blob = zip_bytes({"territories.csv": b"code,name\n" + b"T1,One\n" * 100_000})   # ~700 kB, compresses well
    assert len(blob) < 50_000
    with pytest.raises(BundleInvalid, match="more than the limit"):
        import_bundle_zip(blob, engine=engine, username=None, max_unzipped_bytes=100_000)
    assert count(engine, Territory) == 0


def test_zip_with_the_bundle_in_a_folder_is_accepted(engine):
    blob = zip_bytes({"mybundle/territories.csv": "\ufeffcode,name\nT1,일\n".encode()})
    import_bundle_zip(blob, engine=engine, username=None, max_unzipped_bytes=1_000_000)
    assert count(engine, Territory) == 1


def test_cli_export_import_export(db_url, monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("DATABASE_URL", db_url)
    assert manage.main(["import-bundle", str(FULL)]) == 0
    out = capsys.readouterr()
    assert "leads.csv: 5 rows" in out.out
    assert "checking leads.csv" in out.err and "writing leads.csv" in out.err   # progress lines on stderr
    assert manage.main(["export-bundle", str(tmp_path / "a")]) == 0
    assert "exported" in capsys.readouterr().out
    assert manage.main(["import-bundle", "--quiet", str(tmp_path / "a")]) == 0
    assert capsys.readouterr().err == ""
    assert manage.main(["export-bundle", str(tmp_path / "b")]) == 0
    assert_same_bundle(tmp_path / "a", tmp_path / "b", audit_log_grows_by=1)


def test_moving_from_sqlite_to_postgresql_keeps_passwords(sqlite_url, pg_template_url, tmp_path):
    from models.db import get_engine

    source, target = get_engine(sqlite_url), get_engine(pg_template_url)
    wipe(target)
    import_bundle(FULL, engine=source)
    export_bundle(tmp_path / "from_sqlite", engine=source)
    import_bundle(tmp_path / "from_sqlite", engine=target)
    export_bundle(tmp_path / "from_pg", engine=target)
    assert_same_bundle(tmp_path / "from_sqlite", tmp_path / "from_pg", audit_log_grows_by=1)
    with Session(target) as s:
        rep = s.execute(select(User).where(User.username == "rep.lee")).scalar_one()
    assert bcrypt.checkpw(b"old-password-1", rep.password_hash.encode())
    wipe(target)


def test_a_copied_bundle_with_lf_and_crlf_files_imports_the_same(engine, tmp_path):
    crlf = tmp_path / "crlf"
    shutil.copytree(FULL, crlf)
    for path in crlf.glob("*.csv"):
        data = path.read_bytes().replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
        path.write_bytes(data)
    import_bundle(crlf, engine=engine)
    with Session(engine) as s:
        body = s.execute(text("SELECT body_md FROM campaign_note WHERE version = 1")).scalar_one()
    assert body == '**Say this**: "one voice", always.\r\n- point 1\r\n- 포인트 2'   # quoted line breaks are data
