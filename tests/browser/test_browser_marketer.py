"""The marketer's day in real Chromium: campaign + event, a published note, a lead import with bad
rows, the rejects download, and the leads routed to the right reps. Screenshots go to tests/artifacts/.
"""
from __future__ import annotations

import csv
import io
from datetime import datetime
from pathlib import Path

import pytest
from sqlmodel import select

from models.db import dispose_engines, get_engine, read_session
from models.enums import Role
from models.tables import Campaign, CampaignNote, Event, ImportBatch, Lead, Territory, User
from services.demo_seed import DEMO_PASSWORD
from tests.browser_support import chromium_browser, open_page, seeded_demo_sqlite, sign_in, streamlit_server, wait_ready

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
def _type(page, label: str, text: str, *, enter: bool = False) -> None:
    box = page.get_by_role("textbox", name=label, exact=True).first
    box.fill(text)
    if enter:
        box.press("Enter")
        wait_ready(page)


def _choose(page, label: str, option: str) -> None:
    page.locator("[data-testid='stSelectbox']").filter(has_text=label).first.click()
    page.get_by_role("option", name=option).first.click()
    wait_ready(page)


def _lead_csv(campaign_tag: str) -> bytes:
    rows = [["회사명", "이메일", "이름", "연락처", "지역"],
            [f"{campaign_tag} 한빛물류", "ha@bw.example", "김하나", "010-1000-0001", "SEL"],
            [f"{campaign_tag} 가온전자", "ga@bw.example", "이가온", "010-1000-0002", "Busan 부산"],
            [f"{campaign_tag} 누리식품", "nu@bw.example", "박누리", "", ""],        # → the event's territory
            ["=HYPERLINK(\"http://x\")", "not-an-email", "해커", "", "SEL"],          # bad email, formula
            [f"{campaign_tag} 미래건설", "mi@bw.example", "최미래", "", "NOPE"],       # unknown territory
            [f"{campaign_tag} 한빛물류", "HA@bw.example", "김하나", "", "SEL"]]        # duplicate of row 2
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode("cp949")


def test_marketer_campaign_event_note_import_rejects_and_routing(sqlite_template, tmp_path, artifacts_dir):
    db_url = seeded_demo_sqlite(sqlite_template, tmp_path)
    dispose_engines()
    tag = f"BW{datetime.now():%H%M%S}"
    campaign_name = f"{tag} Browser Roadshow"
    csv_path = tmp_path / "attendees.csv"
    csv_path.write_bytes(_lead_csv(tag))
    data_dir = tmp_path / "data"
    data_dir.mkdir()

    with streamlit_server(db_url, data_dir) as base, chromium_browser() as browser:
        page = browser.new_page(viewport={"width": 1500, "height": 1100}, accept_downloads=True)
        sign_in(page, base, "jiwoo.choi", DEMO_PASSWORD)

        # 1. A campaign (every territory) and a Busan event.
        open_page(page, "Campaigns & events")
        page.get_by_text("New campaign", exact=True).click()
        _type(page, "Name", campaign_name)
        _type(page, "Budget", "25000000")
        page.get_by_role("button", name="Create campaign").click()
        page.wait_for_selector("text=created.", timeout=30_000)
        wait_ready(page)
        _type(page, "Search", campaign_name, enter=True)
        _type(page, "Event title", f"{tag} Busan seminar")
        _choose(page, "Territory", "Busan 부산")
        page.get_by_role("button", name="Add event").click()
        page.wait_for_selector("text=added.", timeout=30_000)
        wait_ready(page)
        page.screenshot(path=str(artifacts_dir / "marketer-1-campaign-event.png"), full_page=True)

        # 2. A published note.
        open_page(page, "Notes editor")
        _type(page, "Find a campaign", campaign_name, enter=True)
        _type(page, "Title", "Key messages")
        body = page.get_by_role("textbox", name="Markdown")
        body.fill("**Offer**: 15% off the first year\n\n- Objection *price*: show the TCO")
        body.press("Control+Enter")
        wait_ready(page)
        page.get_by_role("button", name="Publish v1").click()
        page.wait_for_selector("text=Version v1 published", timeout=30_000)
        wait_ready(page)
        page.screenshot(path=str(artifacts_dir / "marketer-2-note.png"), full_page=True)

        # 3. Import a CP949 CSV with bad rows for that campaign and its event.
        open_page(page, "Import leads")
        _type(page, "Find a campaign", campaign_name, enter=True)
        _choose(page, "Event (optional)", f"{tag} Busan seminar")
        page.locator("[data-testid='stFileUploader'] input[type='file']").set_input_files(str(csv_path))
        page.wait_for_selector("button:has-text('Check the file')", timeout=30_000)
        wait_ready(page)
        page.get_by_role("button", name="Check the file").click()
        page.wait_for_selector("text=Ready to import", timeout=60_000)
        wait_ready(page)
        page.screenshot(path=str(artifacts_dir / "marketer-3-preview.png"), full_page=True)
        with page.expect_download() as download_info:
            page.get_by_role("button", name="Download the 3 rejected rows (CSV)").click()
        rejects_path = artifacts_dir / "marketer-rejects.csv"
        download_info.value.save_as(str(rejects_path))
        page.get_by_role("button", name="Import 3 leads").click()
        page.wait_for_selector("text=3 imported, 3 rejected", timeout=60_000)
        wait_ready(page)
        page.screenshot(path=str(artifacts_dir / "marketer-4-imported.png"), full_page=True)
        shown = page.locator("[data-testid='stTable']").first.inner_text()

    rejects = list(csv.reader(io.StringIO(rejects_path.read_bytes().decode("utf-8-sig"))))
    assert [r[0] for r in rejects[1:]] == ["5", "6", "7"]
    assert rejects[1][1].startswith("'=HYPERLINK") and "이메일: not a valid e-mail address" in rejects[1][-1]  # named as the file spells it
    assert rejects[2][-1].startswith("지역: unknown territory 'NOPE'; use a code or a name: BSN (Busan 부산)")
    assert rejects[3][-1] == "duplicate of row 2 in this file"

    engine = get_engine(db_url)
    with read_session(engine) as s:
        campaign = s.exec(select(Campaign).where(Campaign.name == campaign_name)).one()
        event = s.exec(select(Event).where(Event.campaign_id == campaign.id)).one()
        note = s.exec(select(CampaignNote).where(CampaignNote.campaign_id == campaign.id)).one()
        batch = s.exec(select(ImportBatch).where(ImportBatch.campaign_id == campaign.id)).one()
        leads = s.exec(select(Lead).where(Lead.import_batch_id == batch.id)).all()
        codes = dict(s.exec(select(Territory.id, Territory.code)).all())
        reps = {u.id: u for u in s.exec(select(User).where(User.role == Role.rep)).all()}
    assert codes[event.territory_id] == "BSN" and note.status == "published" and note.version == 1
    by_company = {lead.company.removeprefix(f"{tag} "): lead for lead in leads}
    assert {name: codes[lead.territory_id] for name, lead in by_company.items()} == {
        "한빛물류": "SEL", "가온전자": "BSN", "누리식품": "BSN"}
    for lead in leads:  # each went to an active rep of its own territory, named on the page
        rep = reps[lead.assigned_to_id]
        assert rep.active and rep.territory_id == lead.territory_id and lead.assigned_at is not None
        assert rep.display_name in shown
    dispose_engines()
