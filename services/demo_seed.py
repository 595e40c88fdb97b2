"""Deterministic demo data, dated relative to today, so the portal always looks alive.

Same seed and same day → same data. Everything is written in one transaction and only into an
empty database (the first `streamlit run` on the embedded default calls it automatically).
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlmodel import Session, select

from models.db import write_session
from models.types import local_today, utcnow
from models.enums import (
    SETTING_DEFAULTS, ActivityKind, CampaignStatus, Channel, EventKind, EventStatus,
    LeadStatus, NoteStatus, Role, Segment, Stage,
)
from models.tables import (
    Account, Activity, Campaign, CampaignNote, CampaignTerritory, Event, Lead, NoteRead, Opportunity, Setting, Territory, User,
)
from services import audit
from services.codes import format_code
from services.record_territory import fill_missing_territories
from services.auth import hash_password
from services.demo_activity import ActivityMixin
from services.demo_data import DEMO_PASSWORD  # noqa: F401 - re-exported: the documented demo password
from services.demo_data import (CAMPAIGN_THEMES, COMPANY_KINDS, COMPANY_STEMS, DISQUALIFY_TEXT, DOCUMENTED_USERS,
                                FAMILY, GIVEN, PRODUCTS, SECTORS, TERRITORIES, TZ, VENUES)
from services.demo_time import at as _at


@dataclass
class _People:
    admin: User
    executives: list[User]
    marketers: list[User]
    managers: dict[str, User]
    reps: dict[str, list[User]]


class _Seeder(ActivityMixin):
    def __init__(self, session: Session, seed: int, today: date):
        self.s = session
        self.rng = random.Random(seed)
        self.today = today
        self.now = utcnow()
        self.password_hash = hash_password(DEMO_PASSWORD)
        reserved = set(DOCUMENTED_USERS.values())
        self.names = iter(self.rng.sample([(g, f) for g in GIVEN for f in FAMILY if (g, f) not in reserved], 200))
        self.counts: dict[str, int] = {}
        self._pending_touch: list[Lead] = []  # touched leads whose first activity gets linked once ids exist

    def add(self, row):
        self.s.add(row)
        return row

    def flush(self):
        self.s.flush()

    def person(self, role: Role, territory: Territory | None, manager: User | None = None,
               username: str | None = None, index: int = -1) -> User:
        documented = DOCUMENTED_USERS.get((role, territory.code if territory else None, index))
        (g_en, g_ko), (f_en, f_ko) = documented or next(self.names)
        user = User(username=username or f"{g_en}.{f_en}", display_name=f"{f_ko}{g_ko} ({g_en.title()} {f_en.title()})",
                    email=f"{g_en}.{f_en}@onevoice.example", role=role,
                    territory_id=territory.id if territory else None, manager_id=manager.id if manager else None,
                    active=True, password_hash=self.password_hash)
        return self.add(user)

    def run(self) -> dict[str, int]:
        for key, value in SETTING_DEFAULTS.items():
            if value:  # an empty optional policy value is "not set": no row
                self.add(Setting(key=key.value, value=value))
        self.territories = [self.add(Territory(code=c, name=n)) for c, n in TERRITORIES]
        self.flush()
        self.people = self.make_people()
        self.accounts = self.make_accounts()
        self.campaigns = self.make_campaigns()
        self.events = self.make_events()
        self.notes = self.make_notes()
        self.make_leads_and_deals()
        self.make_field_activity()
        self.make_feedback()
        self.make_targets()
        self.make_handoff_answers()
        self.make_registrations()
        return self.counts

    def make_people(self) -> _People:
        admin = self.person(Role.admin, None, username="admin")
        executives = [self.person(Role.executive, None, index=i) for i in range(2)]
        marketers = [self.person(Role.marketer, None, index=i) for i in range(3)]
        self.flush()
        managers, reps = {}, {}
        for i, t in enumerate(self.territories):
            managers[t.code] = self.person(Role.manager, t, index=0)
            self.flush()
            reps[t.code] = [self.person(Role.rep, t, managers[t.code], index=k) for k in range(2 + (i * 5) % 3)]
        # One former rep, disabled: their history stays, they cannot sign in.
        self.flush()
        self.leaver = self.person(Role.rep, self.territories[0], managers["SEL"])
        self.leaver.active = False
        self.flush()
        self.counts["users"] = 1 + 2 + 3 + len(managers) + sum(map(len, reps.values())) + 1
        return _People(admin, executives, marketers, managers, reps)

    def make_accounts(self) -> list[Account]:
        accounts = []
        names = self.rng.sample([(s, k) for s in COMPANY_STEMS for k in COMPANY_KINDS], 120)
        for i, (stem, (kind_en, kind_ko)) in enumerate(names):
            key_account = i < 8  # a few company-wide (key) accounts without a territory
            t = None if key_account else self.territories[self.rng.randrange(len(self.territories))]
            segment = Segment.enterprise if key_account else self.rng.choice(
                [Segment.enterprise, Segment.mid_market, Segment.mid_market, Segment.smb, Segment.smb, Segment.smb])
            owner = self.rng.choice(self.people.reps[t.code]) if t else None
            name = f"{stem} {kind_en} ({stem} {kind_ko})" if i % 3 == 0 else f"{stem} {kind_en}"
            accounts.append(self.add(Account(name=name, sector=SECTORS[kind_en], segment=segment,
                                             territory_id=t.id if t else None, owner_id=owner.id if owner else None)))
        self.flush()
        self.counts["accounts"] = len(accounts)
        return accounts

    def make_campaigns(self) -> list[Campaign]:
        campaigns = []
        month0 = date(self.today.year, self.today.month, 1)
        for i in range(26):
            theme, channel, product = CAMPAIGN_THEMES[i % len(CAMPAIGN_THEMES)]
            start = month0 - timedelta(days=365) + timedelta(days=int(i * 16.5) + self.rng.randrange(5))
            if i == 24:
                # Started on the 1st of this month: every default period (this month, this quarter,
                # the last 12 months) has a started campaign, on whatever day the demo is made.
                start = month0
            end = start + timedelta(days=self.rng.choice([21, 30, 45, 60]))
            status = (CampaignStatus.completed if end < self.today else
                      CampaignStatus.planned if start > self.today else CampaignStatus.active)
            if i == 9:
                status = CampaignStatus.cancelled
            budget = Decimal(self.rng.choice([20, 30, 45, 60, 80, 120])) * 1_000_000
            spent = (budget * Decimal(self.rng.randint(70, 105)) / 100).quantize(Decimal("1000")) \
                if status in (CampaignStatus.completed, CampaignStatus.active) else None
            c = self.add(Campaign(
                code=format_code("campaign", i + 1), name=f"{theme} {start:%Y} · {self._season(start)}",
                channel=channel, status=status, start_date=start, end_date=end,
                objective=f"Pipeline for {product}; 목표: 신규 리드 확보", budget=budget, actual_cost=spent,
                target_segment=self.rng.choice([None, Segment.enterprise, Segment.mid_market, Segment.smb]),
                owner_id=self.rng.choice(self.people.marketers).id))
            c._product = product
            self.flush()
            if i % 4 != 0:  # every fourth campaign targets every territory (no rows)
                for t in self.rng.sample(self.territories, self.rng.randint(2, 4)):
                    self.add(CampaignTerritory(campaign_id=c.id, territory_id=t.id))
            campaigns.append(c)
        self.flush()
        self.targets_of = {c.id: [] for c in campaigns}
        for ct in self.s.exec(select(CampaignTerritory)):
            self.targets_of[ct.campaign_id].append(ct.territory_id)
        self.counts["campaigns"] = len(campaigns)
        return campaigns

    @staticmethod
    def _season(d: date) -> str:
        return {12: "Winter", 1: "Winter", 2: "Winter", 3: "Spring", 4: "Spring", 5: "Spring", 6: "Summer",
                7: "Summer", 8: "Summer"}.get(d.month, "Autumn")

    def territories_of(self, c: Campaign) -> list[Territory]:
        ids = self.targets_of[c.id]
        return [t for t in self.territories if not ids or t.id in ids]

    def make_events(self) -> list[Event]:
        events = []
        n = 0
        for c in self.campaigns:
            if c.channel not in (Channel.event, Channel.webinar, Channel.partner):
                continue
            for t in self.territories_of(c)[: self.rng.randint(2, 5)]:
                n += 1
                span = max((c.end_date - c.start_date).days, 1)
                day = c.start_date + timedelta(days=self.rng.randrange(span))
                start = _at(day, self.rng.choice([9, 10, 13, 14, 15]))
                kind = EventKind.webinar if c.channel == Channel.webinar else self.rng.choice(
                    [EventKind.seminar, EventKind.roadshow, EventKind.workshop, EventKind.trade_show])
                events.append(self.add(Event(
                    code=format_code("event", n), campaign_id=c.id, title=f"{c.name.split(' · ')[0]} — {t.name.split(' ')[0]}",
                    kind=kind, territory_id=t.id, venue="Online (Zoom)" if kind == EventKind.webinar else self.rng.choice(VENUES[t.code]),
                    starts_at=start, ends_at=start + timedelta(hours=self.rng.choice([2, 3, 4, 8])),
                    capacity=self.rng.choice([40, 60, 80, 120, 200, 300]),
                    status=EventStatus.cancelled if c.status == CampaignStatus.cancelled else EventStatus.scheduled)))
        # Always something running today and in the next days, in every territory, from the
        # campaigns that run on that day (any live campaign if none does).
        live = [c for c in self.campaigns if c.status == CampaignStatus.active] or self.campaigns[-3:]
        for i, t in enumerate(self.territories):
            # A three-day trade show from yesterday to tomorrow: running at any hour of today, also
            # just after midnight and on the 1st of a month or of a year.
            for offset, hour, kind in ((-1, 9, EventKind.trade_show), (0, 9, EventKind.roadshow),
                                       (3 + i % 3, 14, EventKind.seminar), (12 + i, 10, EventKind.workshop),
                                       (-10 - i, 15, EventKind.seminar)):
                day = self.today + timedelta(days=offset)
                running = [c for c in self.campaigns if c.status != CampaignStatus.cancelled
                           and c.start_date <= day <= c.end_date and t in self.territories_of(c)]
                c = self.rng.choice(running) if running else live[(i + offset) % len(live)]
                n += 1
                start = _at(day, hour)
                events.append(self.add(Event(
                    code=format_code("event", n), campaign_id=c.id,
                    title=f"{c.name.split(' · ')[0]} — {t.name.split(' ')[0]} ({kind.value.replace('_', ' ')})",
                    kind=kind, territory_id=t.id, venue=self.rng.choice(VENUES[t.code]), starts_at=start,
                    ends_at=start + timedelta(hours={-1: 57, 0: 9}.get(offset, 3)), capacity=self.rng.choice([50, 80, 150]),
                    status=EventStatus.scheduled)))
                if t.id not in self.targets_of[c.id] and self.targets_of[c.id]:
                    self.add(CampaignTerritory(campaign_id=c.id, territory_id=t.id))
                    self.targets_of[c.id].append(t.id)
        self.flush()
        self.counts["events"] = len(events)
        return events

    def make_notes(self) -> list[CampaignNote]:
        notes = []
        for c in self.campaigns:
            if c.start_date > self.today + timedelta(days=20):
                continue
            versions = self.rng.choice([1, 1, 2, 3])
            for v in range(1, versions + 1):
                published = _at(c.start_date - timedelta(days=7) + timedelta(days=10 * (v - 1)), 11)
                if published > self.now:
                    published = self.now - timedelta(hours=3 * v)
                notes.append(self.add(CampaignNote(
                    campaign_id=c.id, version=v, title=f"{c.name.split(' · ')[0]} — talking points v{v}",
                    body_md=self._note_body(c, v), status=NoteStatus.published, published_at=published,
                    author_id=c.owner_id)))
            if self.rng.random() < 0.3:
                notes.append(self.add(CampaignNote(
                    campaign_id=c.id, version=versions + 1, title=f"{c.name.split(' · ')[0]} — draft v{versions + 1}",
                    body_md=self._note_body(c, versions + 1) + "\n\n_Draft: pricing still under review._",
                    status=NoteStatus.draft, author_id=c.owner_id)))
        self.flush()
        reads = 0
        for note in notes:
            if note.status != NoteStatus.published:
                continue
            c = next(x for x in self.campaigns if x.id == note.campaign_id)
            for t in self.territories_of(c):
                for rep in self.people.reps[t.code]:
                    if self.rng.random() < 0.6:
                        read_at = note.published_at + timedelta(hours=self.rng.randint(1, 96))
                        if read_at < self.now:
                            self.add(NoteRead(note_id=note.id, user_id=rep.id, read_at=read_at))
                            reads += 1
        self.flush()
        self.counts["notes"], self.counts["note_reads"] = len(notes), reads
        return notes

    def _note_body(self, c: Campaign, v: int) -> str:
        offer = ["10% off the first year", "free 3-month pilot", "on-site PoC at no cost", "bundle price with onboarding"][v % 4]
        return (f"## Key messages\n- {c._product} cuts reporting time by **40%** (customer-verified).\n"
                f"- Local support team in every region — 전국 지역 지원팀.\n- Runs on-premise or in Korean cloud regions.\n\n"
                f"## Offer\n- {offer} for deals signed before {c.end_date:%Y-%m-%d}.\n\n"
                f"## Objection handling\n| They say | We say |\n|---|---|\n"
                f"| \"Too expensive\" | Compare the 3-year TCO sheet; payback in 14 months. |\n"
                f"| \"We use a global vendor\" | We integrate with it; see the migration guide. |\n\n"
                f"Version {v}. Questions: send field feedback in OneVoice.")

    def make_leads_and_deals(self) -> None:
        leads = opps = 0
        by_territory = {t.id: [a for a in self.accounts if a.territory_id == t.id] for t in self.territories}
        key_accounts = [a for a in self.accounts if a.territory_id is None]
        event_by_campaign: dict[int, list[Event]] = {}
        for e in self.events:
            event_by_campaign.setdefault(e.campaign_id, []).append(e)
        for c in self.campaigns:
            if c.start_date > self.today or c.status == CampaignStatus.cancelled:
                continue
            for _ in range(self.rng.randint(25, 60)):
                t = self.rng.choice(self.territories_of(c))
                created_day = c.start_date + timedelta(days=self.rng.randrange(max((min(c.end_date, self.today) - c.start_date).days, 1)))
                created = _at(created_day, self.rng.randint(8, 18), self.rng.randrange(60))
                if created > self.now - timedelta(hours=1):
                    created = self.now - timedelta(hours=self.rng.randint(2, 60))
                account = self.rng.choice(by_territory[t.id] + key_accounts[:2]) if self.rng.random() < 0.7 else None
                reps = self.people.reps[t.code]
                rep = next((r for r in reps if account and r.id == account.owner_id), None) or self.rng.choice(reps)
                evs = [e for e in event_by_campaign.get(c.id, []) if e.territory_id == t.id]
                leads += 1
                (g_en, g_ko), (f_en, f_ko) = self.rng.choice(GIVEN), self.rng.choice(FAMILY)
                company = account.name if account else f"{self.rng.choice(COMPANY_STEMS)} {self.rng.choice(COMPANY_KINDS)[0]} Co."
                lead = Lead(code=format_code("lead", leads), campaign_id=c.id, event_id=evs[0].id if evs and self.rng.random() < 0.6 else None,
                            account_id=account.id if account else None, company=company,
                            contact_name=f"{f_ko}{g_ko}" if self.rng.random() < 0.5 else f"{g_en.title()} {f_en.title()}",
                            email=f"{g_en}.{f_en}{leads}@{company.split()[0].lower()}.co.kr",
                            phone=f"010-{self.rng.randint(1000, 9999)}-{self.rng.randint(1000, 9999)}",
                            territory_id=t.id, created_at=created)
                age = self.now - created
                unrouted = self.rng.random() < 0.03
                if not unrouted:
                    lead.assigned_to_id, lead.assigned_at = rep.id, created + timedelta(minutes=self.rng.randint(5, 240))
                    if lead.assigned_at > self.now:
                        lead.assigned_at = self.now - timedelta(minutes=5)
                    untouched_chance = 0.6 if age < timedelta(days=3) else 0.08
                    if self.rng.random() >= untouched_chance:
                        delay = timedelta(hours=self.rng.choice([0.5, 1, 2, 4, 8, 16, 22, 30, 48, 72]))
                        touch = lead.assigned_at + delay
                        if touch < self.now:
                            lead.first_touch_at = touch
                if lead.first_touch_at:
                    roll = self.rng.random()
                    lead.status = (LeadStatus.working if roll < 0.3 else LeadStatus.qualified if roll < 0.45 else
                                   LeadStatus.converted if roll < 0.7 else LeadStatus.disqualified)
                    if age < timedelta(days=5) and lead.status == LeadStatus.converted:
                        lead.status = LeadStatus.working
                if lead.status == LeadStatus.disqualified:
                    reason = self.rng.choice(list(DISQUALIFY_TEXT))
                    lead.disqualify_reason = f"{reason.value}: {DISQUALIFY_TEXT[reason]}"
                self.add(lead)
                if lead.first_touch_at:
                    self.add(Activity(user_id=lead.assigned_to_id, kind=self.rng.choice([ActivityKind.call, ActivityKind.email]),
                                      occurred_at=lead.first_touch_at, lead_id=None, account_id=lead.account_id,
                                      notes="First contact after the event" if lead.event_id else "First contact"))
                    self._pending_touch.append(lead)
                if lead.status == LeadStatus.converted:
                    lead.converted_at = min(lead.first_touch_at + timedelta(days=self.rng.randint(2, 20)), self.now)
                    opps += 1
                    self.flush()
                    opp = self._deal(opps, t, rep, account, c, lead.converted_at.astimezone(TZ).date(), lead)
                    lead.opportunity_id = opp.id
        # Every rep starts the day with work: one lead past its response deadline, one due soon ...
        for t in self.territories:
            live = [c for c in self.campaigns if c.start_date <= self.today and c.status != CampaignStatus.cancelled
                    and t in self.territories_of(c)]
            campaign = max(live, key=lambda c: c.start_date)
            for rep in self.people.reps[t.code]:
                for hours_ago in (self.rng.randint(26, 50), self.rng.randint(3, 20)):
                    leads += 1
                    (g_en, _), (f_en, _) = self.rng.choice(GIVEN), self.rng.choice(FAMILY)
                    stem, (kind, _) = self.rng.choice(COMPANY_STEMS), self.rng.choice(COMPANY_KINDS)
                    assigned = self.now - timedelta(hours=hours_ago)
                    self.add(Lead(code=format_code("lead", leads), campaign_id=campaign.id, company=f"{stem} {kind} Co.",
                                  contact_name=f"{g_en.title()} {f_en.title()}",
                                  email=f"{g_en}.{f_en}{leads}@{stem.lower()}.co.kr", territory_id=t.id,
                                  assigned_to_id=rep.id, created_at=assigned - timedelta(minutes=20),
                                  assigned_at=assigned))
            # ... and marketing and the manager have leads waiting to be routed, on any date.
            for hours_ago in (self.rng.randint(1, 6), self.rng.randint(7, 30)):
                leads += 1
                (g_en, _), (f_en, _) = self.rng.choice(GIVEN), self.rng.choice(FAMILY)
                stem, (kind, _) = self.rng.choice(COMPANY_STEMS), self.rng.choice(COMPANY_KINDS)
                self.add(Lead(code=format_code("lead", leads), campaign_id=campaign.id, company=f"{stem} {kind} Co.",
                              contact_name=f"{g_en.title()} {f_en.title()}",
                              email=f"{g_en}.{f_en}{leads}@{stem.lower()}.co.kr", territory_id=t.id,
                              created_at=self.now - timedelta(hours=hours_ago)))
        # Deals that did not start as a lead (reps' own prospecting), some on key accounts.
        for _ in range(160):
            t = self.rng.choice(self.territories)
            rep = self.rng.choice(self.people.reps[t.code])
            account = self.rng.choice(by_territory[t.id] + key_accounts) if by_territory[t.id] else self.rng.choice(key_accounts)
            opps += 1
            self._deal(opps, t, rep, account, None, self.today - timedelta(days=self.rng.randint(0, 400)), None)
        self.flush()
        self.counts["leads"], self.counts["opportunities"] = leads, opps

    def _deal(self, n: int, t: Territory, rep: User, account: Account | None, campaign: Campaign | None,
              opened: date, lead: Lead | None) -> Opportunity:
        product, list_price = self.rng.choice(PRODUCTS)
        amount = Decimal(list_price) * Decimal(self.rng.choice([0.5, 0.8, 1, 1, 1.5, 2, 3])).quantize(Decimal("0.1"))
        amount = amount.quantize(Decimal("10000"))
        age = (self.today - opened).days
        roll = self.rng.random()
        if age > 45 and roll < 0.75:
            stage = Stage.won if self.rng.random() < 0.45 else Stage.lost
        else:
            stage = self.rng.choice([Stage.prospecting, Stage.engaging, Stage.proposal])
        closed = None
        if stage in (Stage.won, Stage.lost):
            closed = min(opened + timedelta(days=self.rng.randint(14, 120)), self.today)
        opp = Opportunity(code=format_code("opportunity", n), name=f"{(account.name.split(' (')[0] if account else 'New logo')} — {product}",
                          account_id=account.id if account else None, owner_id=rep.id, territory_id=t.id, stage=stage,
                          amount=amount, product=product, opened_on=opened,
                          expected_close_on=None if closed else self.today + timedelta(days=self.rng.randint(7, 120)),
                          closed_on=closed, source_campaign_id=campaign.id if campaign else None,
                          lead_id=lead.id if lead else None)
        self.add(opp)
        self.flush()
        return opp

def seed_demo(*, engine, seed: int = 1, only_if_empty: bool = True, today: date | None = None) -> dict[str, int]:
    """Fill an empty database with the demo. Returns counts per kind; {} if it was not empty."""
    with write_session(engine) as session:
        if session.exec(select(User.id).limit(1)).first() is not None:
            if only_if_empty:
                return {}
            raise RuntimeError("the database already has users; seed-demo only fills an empty database")
        seeder = _Seeder(session, seed, today or local_today(TZ))
        counts = seeder.run()
        session.flush()
        fill_missing_territories(session.connection())
        audit.record(session=session, username="seed-demo", action="seed_demo", entity="database", detail=counts)
    return counts
