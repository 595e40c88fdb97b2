"""The second half of the demo: what people did with the records (field activity, feedback,
targets and forecasts, reps' answers to hand-overs, event registrations). A mixin of
services.demo_seed._Seeder; the order of the calls, and so of the random draws, is the seeder's."""
from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal

from sqlmodel import select

from models.enums import (
    ActivityKind, EventStatus,
    FeedbackKind, LeadStatus, RegistrationStatus, RejectReason, Stage,
)
from models.tables import (
    Account, Activity, Feedback, Lead, LeadRejection, MonthlyTarget,
    Opportunity, Registration,
)
from services import sla
from services.demo_data import COMPANY_KINDS, COMPANY_STEMS, FAMILY, GIVEN, TZ
from services.demo_time import at as _at


class ActivityMixin:
    def make_field_activity(self) -> None:
        n = 0
        opps = self.s.exec(select(Opportunity)).all()
        for opp in opps:
            for _ in range(self.rng.randint(1, 4)):
                start = datetime.combine(opp.opened_on or self.today, time(10), tzinfo=TZ)
                end = datetime.combine(opp.closed_on or self.today, time(18), tzinfo=TZ)
                span = max(int((end - start).total_seconds() // 3600), 1)
                when = (start + timedelta(hours=self.rng.randrange(span))).astimezone(timezone.utc)
                if when > self.now:
                    continue
                kind = self.rng.choice([ActivityKind.call, ActivityKind.visit, ActivityKind.meeting, ActivityKind.email])
                self.add(Activity(user_id=opp.owner_id, kind=kind, occurred_at=when, account_id=opp.account_id,
                                  opportunity_id=opp.id, notes=self.rng.choice([
                                      "Demo for the IT team; asked for references", "가격 협상 — 다음 주 재방문",
                                      "Sent the TCO sheet", "Met the CFO, budget confirmed for Q1",
                                      "Competitor quote is 15% lower", "Site visit, factory floor walkthrough"])))
                n += 1
        # Link each first-touch activity to its lead now that the leads have ids.
        self.flush()
        for lead in self._pending_touch:
            act = self.s.exec(select(Activity).where(Activity.user_id == lead.assigned_to_id,
                                                     Activity.occurred_at == lead.first_touch_at,
                                                     Activity.lead_id.is_(None))).first()
            if act is not None:
                act.lead_id = lead.id
                n += 1
        for e in self.events:
            if e.starts_at < self.now and e.status == EventStatus.scheduled:
                for rep in self.people.reps[next(t.code for t in self.territories if t.id == e.territory_id)][:2]:
                    self.add(Activity(user_id=rep.id, kind=ActivityKind.event, occurred_at=e.starts_at, event_id=e.id,
                                      notes="Staffed the booth"))
                    n += 1
        self.flush()
        self.counts["activities"] = n

    def make_feedback(self) -> None:
        bodies = [
            (FeedbackKind.question, "Can we offer the pilot to existing customers too?"),
            (FeedbackKind.objection, "고객이 클라우드 보안 인증(CSAP)을 물어봅니다 — 자료가 있나요?"),
            (FeedbackKind.competitor, "A competitor is offering 20% off in Busan this month."),
            (FeedbackKind.win_story, "Closed Hanbit after the roadshow demo — the TCO sheet did it."),
            (FeedbackKind.objection, "Customers say the webinar time clashes with their month-end close."),
            (FeedbackKind.question, "Is the event capacity final? Three more customers want seats."),
        ]
        n = 0
        for i, c in enumerate([c for c in self.campaigns if c.start_date <= self.today]):
            for j in range(self.rng.randint(0, 3)):
                t = self.rng.choice(self.territories_of(c))
                rep = self.rng.choice(self.people.reps[t.code])
                kind, body = bodies[(i + j) % len(bodies)]
                created = min(_at(c.start_date + timedelta(days=j * 3 + 1), 10 + j, i % 60), self.now - timedelta(hours=j + 1))
                fb = Feedback(campaign_id=c.id, user_id=rep.id, kind=kind, body=body, created_at=created)
                if self.rng.random() < 0.55:
                    fb.answer = "Thanks — see the updated note v2; the pilot applies to existing customers too."
                    fb.answered_by_id = c.owner_id
                    fb.answered_at = min(created + timedelta(hours=self.rng.randint(2, 48)), self.now)
                    if self.rng.random() < 0.5:
                        fb.resolved_at = fb.answered_at
                self.add(fb)
                n += 1
        self.flush()
        self.counts["feedback"] = n

    def make_targets(self) -> None:
        """Targets around each territory's typical month; forecasts made as a manager would, near
        what the month then brought (closed months), or near the target (open months)."""
        month0 = date(self.today.year, self.today.month, 1)
        won: dict[tuple[int, date], Decimal] = {}
        for opp in self.s.exec(select(Opportunity).where(Opportunity.stage == Stage.won)):
            key = (opp.territory_id, opp.closed_on.replace(day=1))
            won[key] = won.get(key, Decimal(0)) + (opp.amount or Decimal(0))
        n = 0
        for t in self.territories:
            yearly = sum((v for (tid, _), v in won.items() if tid == t.id), Decimal(0)) or Decimal(1_200_000_000)
            base = (yearly / 12).scaleb(-6).quantize(Decimal(1)).scaleb(6)
            for k in range(-12, 3):
                y, m = divmod(month0.month - 1 + k, 12)
                month = date(month0.year + y, m + 1, 1)
                seasonal = Decimal("1.2") if month.month in (3, 6, 9, 12) else Decimal("1")
                target = (base * seasonal * Decimal(self.rng.randint(95, 125)) / 100).scaleb(-6).quantize(Decimal(1)).scaleb(6)
                actual = won.get((t.id, month))
                if k < 0 and actual:
                    forecast = (actual * Decimal(self.rng.randint(80, 120)) / 100).scaleb(-6).quantize(Decimal(1)).scaleb(6)
                elif k <= 1:
                    forecast = (target * Decimal(self.rng.randint(85, 110)) / 100).scaleb(-6).quantize(Decimal(1)).scaleb(6)
                else:
                    forecast = None
                self.add(MonthlyTarget(territory_id=t.id, month=month, revenue_target=target, forecast=forecast))
                n += 1
        self.flush()
        self.counts["targets"] = n

    def make_handoff_answers(self) -> None:
        """The second round's handoff: deadlines by the policy, reps' acceptances and rejections,
        rejected leads waiting for marketing, some recycled to nurture, and lead commitments."""
        rng = random.Random(self.rng.random())
        self.flush()
        sla.fill_missing_due_at(session=self.s)
        leads = self.s.exec(select(Lead).where(Lead.first_touch_at.is_not(None)).order_by(Lead.id)).all()
        reasons = list(RejectReason)
        notes = {RejectReason.not_my_territory: "이 회사는 부산 지사 담당입니다", RejectReason.duplicate: "Already in my pipeline",
                 RejectReason.bad_contact: "Phone number does not exist", RejectReason.not_a_fit: "Too small for our product",
                 RejectReason.too_early: "Budget only next fiscal year", RejectReason.other: "Student, not a buyer"}
        rejected = accepted = recycled = 0
        for lead in leads:
            roll = rng.random()
            if lead.status in (LeadStatus.working, LeadStatus.qualified, LeadStatus.converted) and roll < 0.75:
                lead.accepted_at = lead.first_touch_at
                accepted += 1
            elif lead.status is LeadStatus.disqualified and roll < 0.45:
                reason = reasons[rng.randrange(len(reasons))]
                self.add(LeadRejection(lead_id=lead.id, user_id=lead.assigned_to_id, reason=reason, note=notes[reason],
                                       rejected_at=lead.first_touch_at))
                lead.assigned_to_id, lead.disqualify_reason = None, None
                rejected += 1
                if lead.first_touch_at + timedelta(days=2) < self.now and rng.random() < 0.35:
                    lead.status, lead.recycled_at = LeadStatus.nurture, lead.first_touch_at + timedelta(days=1)
                    recycled += 1
                else:
                    lead.status = LeadStatus.rejected
        for target in self.s.exec(select(MonthlyTarget)).all():
            target.lead_commitment = rng.randint(6, 14)
        self.flush()
        self.counts.update(accepted_leads=accepted, rejections=rejected, recycled_leads=recycled)

    def make_registrations(self) -> None:
        """Registrations of the events of the last 60 and the next 30 days (a generator of its
        own, so the rest of the demo stays as it was). Past events: their leads attended (checked
        in a little before the start), others did not come, a few cancelled; running and upcoming
        events: people registered, some from the reps' accounts, nobody checked in yet."""
        rng = random.Random(self.rng.random())
        leads_of: dict[int, list[Lead]] = {}
        for lead in self.s.exec(select(Lead).where(Lead.event_id.is_not(None), Lead.email.is_not(None))
                                .order_by(Lead.id)):
            leads_of.setdefault(lead.event_id, []).append(lead)
        accounts_of: dict[int, list[Account]] = {}
        for a in self.accounts:
            accounts_of.setdefault(a.territory_id, []).append(a)
        n = 0
        for e in sorted(self.events, key=lambda e: e.code):
            if e.status == EventStatus.cancelled or not (
                    self.now - timedelta(days=60) <= e.starts_at <= self.now + timedelta(days=30)):
                continue
            ended = e.ends_at <= self.now
            seen: set[str] = set()
            people = [(lead.email, lead.company, lead.contact_name, lead.phone, lead) for lead in leads_of.get(e.id, [])[:8]]
            for k in range(rng.randint(4, 10)):
                (g_en, g_ko), (f_en, f_ko) = rng.choice(GIVEN), rng.choice(FAMILY)
                account = rng.choice(accounts_of.get(e.territory_id, []) or [None])
                company = account.name if account and rng.random() < 0.6 else \
                    f"{rng.choice(COMPANY_STEMS)} {rng.choice(COMPANY_KINDS)[0]} Co."
                email = f"{g_en}.{f_en}.{e.code.lower()}{k}@{company.split()[0].lower()}.co.kr"
                people.append((email, company, f"{f_ko}{g_ko}", None, None))
            for email, company, name, phone, lead in people:
                key = email.strip().lower()
                if key in seen:
                    continue
                seen.add(key)
                registered = e.starts_at - timedelta(days=rng.randint(1, 20), hours=rng.randint(0, 10))
                if ended:
                    status = RegistrationStatus.attended if lead is not None else (
                        RegistrationStatus.cancelled if rng.random() < 0.15 else RegistrationStatus.no_show)
                else:
                    status = RegistrationStatus.cancelled if rng.random() < 0.08 else RegistrationStatus.registered
                attended = status == RegistrationStatus.attended
                self.add(Registration(event_id=e.id, email=email, email_key=key, company=company, contact_name=name,
                                      phone=phone, status=status, registered_at=min(registered, self.now),
                                      checked_in_at=e.starts_at - timedelta(minutes=rng.randint(0, 30)) if attended else None,
                                      lead_id=lead.id if attended else None))
                n += 1
        self.flush()
        self.counts["registrations"] = n
