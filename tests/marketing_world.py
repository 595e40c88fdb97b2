"""A small hand-made company for the marketing workspace tests (issue 4).

Territories SEL (reps sel.alice, sel.bora; sel.carl disabled; manager sel.boss), BSN (rep bsn.dana),
GGD (no reps). Marketer mk, admin ad, executive ex. Accounts: "Hanbit Steel" (SEL, owner sel.bora),
"Gaon Foods" (BSN, owner sel.alice — not a BSN rep), "Key Corp" (company-wide, no owner).
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date

from models.enums import Role
from models.tables import Account, Campaign, Territory, User
from queries.scope import Viewer
from tests.factories import Builder


@dataclass
class World:
    sel: Territory
    bsn: Territory
    ggd: Territory
    marketer: Viewer
    admin: Viewer
    executive: Viewer
    manager: Viewer
    bsn_manager: Viewer
    alice: User
    bora: User
    carl: User
    dana: User
    hanbit: Account
    gaon: Account
    key_corp: Account
    campaign: Campaign

    def rep_viewer(self, user: User) -> Viewer:
        return Viewer.of(user)


def build_world(engine) -> World:
    with Builder(engine) as b:
        sel, bsn, ggd = b.territory("SEL", "Seoul 서울"), b.territory("BSN", "Busan 부산"), b.territory("GGD", "Gyeonggi 경기")
        mk = b.user("mk", Role.marketer)
        ad = b.user("ad", Role.admin)
        ex = b.user("ex", Role.executive)
        boss = b.user("sel.boss", Role.manager, sel)
        bsn_boss = b.user("bsn.boss", Role.manager, bsn)
        alice = b.user("sel.alice", Role.rep, sel, manager=boss)
        bora = b.user("sel.bora", Role.rep, sel, manager=boss)
        carl = b.user("sel.carl", Role.rep, sel, active=False)
        dana = b.user("bsn.dana", Role.rep, bsn)
        hanbit = b.account("Hanbit Steel", sel, owner=bora)
        gaon = b.account("Gaon Foods", bsn, owner=alice)
        key_corp = b.account("Key Corp")
        campaign = b.campaign("SPRING", start=date(2026, 3, 1), end=date(2026, 5, 31), territories=(sel, bsn),
                              name="Spring Summit", owner=mk)
    return World(sel, bsn, ggd, Viewer.of(mk), Viewer.of(ad), Viewer.of(ex), Viewer.of(boss), Viewer.of(bsn_boss),
                 alice, bora, carl, dana, hanbit, gaon, key_corp, campaign)


def csv_bytes(rows: list[list[str]], encoding: str = "utf-8") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(rows: list[list]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
