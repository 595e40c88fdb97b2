"""Small builders for hand-made test data. Each returns the saved row (ids filled in).

Timestamps default to aware UTC; pass aware datetimes. Money as strings or Decimals.
"""
from __future__ import annotations

import itertools
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

from sqlmodel import Session

from models.enums import (
    ActivityKind, CampaignStatus, Channel, EventKind, EventStatus, LeadStatus, NoteStatus, Role,
    Segment, Stage,
)
from models.tables import (
    Account, Activity, Campaign, CampaignNote, CampaignTerritory, Event, Feedback, Lead, LeadRejection,
    MonthlyTarget, NoteRead, Opportunity, Setting, Territory, User,
)

_seq = itertools.count(1)
UTC = timezone.utc


def _next(prefix: str) -> str:
    return f"{prefix}{next(_seq)}"


class Builder:
    """Builds rows in one session; call ``commit()`` (or use as a context manager)."""

    def __init__(self, engine):
        self.session = Session(engine, expire_on_commit=False)

    def __enter__(self):
        return self

    def __exit__(self, exc_type, *_):
        if exc_type is None:
            self.session.commit()
        else:
            self.session.rollback()
        self.session.close()

    def commit(self):
        self.session.commit()

    def _save(self, row):
        self.session.add(row)
        self.session.flush()
        return row

    def territory(self, code=None, name=None) -> Territory:
        code = code or _next("T")
        return self._save(Territory(code=code, name=name or code))

    def user(self, username=None, role=Role.rep, territory=None, *, active=True, manager=None,
             password_hash=None, display_name=None, email=None) -> User:
        username = username or _next("user")
        return self._save(User(username=username, display_name=display_name or username.title(),
                               email=email, role=role,
                               territory_id=territory.id if territory else None,
                               manager_id=manager.id if manager else None, active=active,
                               password_hash=password_hash))

    def account(self, name=None, territory=None, segment=None, owner=None, sector=None) -> Account:
        return self._save(Account(name=name or _next("Account "), territory_id=territory.id if territory else None,
                                  segment=segment, owner_id=owner.id if owner else None, sector=sector))

    def campaign(self, code=None, *, start=date(2026, 1, 1), end=None, cost=None, budget=None,
                 territories=(), segment=None, status=CampaignStatus.active, channel=Channel.event,
                 name=None, owner=None) -> Campaign:
        code = code or _next("C")
        row = self._save(Campaign(code=code, name=name or f"Campaign {code}", channel=channel, status=status,
                                  start_date=start, end_date=end or start + timedelta(days=30),
                                  actual_cost=None if cost is None else Decimal(str(cost)),
                                  budget=None if budget is None else Decimal(str(budget)),
                                  target_segment=segment, owner_id=owner.id if owner else None))
        for territory in territories:
            self._save(CampaignTerritory(campaign_id=row.id, territory_id=territory.id))
        return row

    def event(self, campaign, territory, *, starts_at, ends_at=None, code=None, kind=EventKind.seminar,
              title=None, status=EventStatus.scheduled, venue=None, capacity=None) -> Event:
        code = code or _next("E")
        return self._save(Event(code=code, campaign_id=campaign.id, title=title or f"Event {code}", kind=kind,
                                territory_id=territory.id, starts_at=starts_at,
                                ends_at=ends_at or starts_at + timedelta(hours=2), status=status,
                                venue=venue, capacity=capacity))

    def note(self, campaign, *, version=1, status=NoteStatus.published, published_at=None,
             title="Key messages", body="**Say this.**", author=None) -> CampaignNote:
        return self._save(CampaignNote(campaign_id=campaign.id, version=version, title=title, body_md=body,
                                       status=status, published_at=published_at,
                                       author_id=author.id if author else None))

    def read(self, note, user, read_at) -> NoteRead:
        return self._save(NoteRead(note_id=note.id, user_id=user.id, read_at=read_at))

    def lead(self, campaign, *, created_at, code=None, territory=None, assigned_to=None, assigned_at=None,
             first_touch_at=None, status=LeadStatus.new, company="ACME", event=None, account=None,
             converted_at=None, disqualify_reason=None, email=None, contact_name=None, due_at=None,
             accepted_at=None, recycled_at=None) -> Lead:
        if due_at is None and assigned_at is not None:
            # The wall-clock policy's deadline (and the 0005 backfill's): assigned_at + sla_hours.
            stored = self.session.get(Setting, "sla_hours")
            due_at = assigned_at + timedelta(hours=float(stored.value) if stored else 24)
        return self._save(Lead(code=code or _next("L"), campaign_id=campaign.id, company=company,
                               due_at=due_at, accepted_at=accepted_at, recycled_at=recycled_at,
                               territory_id=territory.id if territory else None,
                               assigned_to_id=assigned_to.id if assigned_to else None, assigned_at=assigned_at,
                               first_touch_at=first_touch_at, status=status, created_at=created_at,
                               event_id=event.id if event else None, account_id=account.id if account else None,
                               converted_at=converted_at, disqualify_reason=disqualify_reason,
                               email=email, contact_name=contact_name))

    def rejection(self, lead, user, *, rejected_at, reason="not_a_fit", note=None) -> LeadRejection:
        return self._save(LeadRejection(lead_id=lead.id, user_id=user.id, reason=reason, note=note,
                                        rejected_at=rejected_at))

    def opportunity(self, territory, *, stage=Stage.prospecting, amount=None, closed_on=None, opened_on=None,
                    code=None, owner=None, account=None, source_campaign=None, lead=None, name=None,
                    expected_close_on=None, product=None) -> Opportunity:
        code = code or _next("O")
        return self._save(Opportunity(code=code, name=name or f"Deal {code}", territory_id=territory.id, stage=stage,
                                      amount=None if amount is None else Decimal(str(amount)),
                                      closed_on=closed_on, opened_on=opened_on, owner_id=owner.id if owner else None,
                                      account_id=account.id if account else None,
                                      source_campaign_id=source_campaign.id if source_campaign else None,
                                      lead_id=lead.id if lead else None, expected_close_on=expected_close_on,
                                      product=product))

    def activity(self, user, *, occurred_at, kind=ActivityKind.call, lead=None, account=None,
                 opportunity=None, event=None, notes=None, territory=None) -> Activity:
        """The activity belongs to the author's territory unless ``territory`` says otherwise."""
        return self._save(Activity(user_id=user.id, kind=kind, occurred_at=occurred_at,
                                   territory_id=territory.id if territory else user.territory_id,
                                   lead_id=lead.id if lead else None, account_id=account.id if account else None,
                                   opportunity_id=opportunity.id if opportunity else None,
                                   event_id=event.id if event else None, notes=notes))

    def target(self, territory, month: date, *, revenue_target=None, forecast=None,
               lead_commitment=None) -> MonthlyTarget:
        return self._save(MonthlyTarget(territory_id=territory.id, month=month, lead_commitment=lead_commitment,
                                        revenue_target=None if revenue_target is None else Decimal(str(revenue_target)),
                                        forecast=None if forecast is None else Decimal(str(forecast))))

    def feedback(self, user, *, created_at, kind="question", body="Why?", campaign=None, event=None,
                 territory=None) -> Feedback:
        return self._save(Feedback(user_id=user.id, kind=kind, body=body, created_at=created_at,
                                   territory_id=territory.id if territory else user.territory_id,
                                   campaign_id=campaign.id if campaign else None,
                                   event_id=event.id if event else None))

    def setting(self, key, value) -> Setting:
        row = self.session.get(Setting, key)
        if row is None:
            row = Setting(key=key, value=str(value))
        else:
            row.value = str(value)
        return self._save(row)


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


__all__ = ["Builder", "utc", "Role", "Segment", "Stage", "LeadStatus", "NoteStatus", "EventStatus",
           "CampaignStatus", "Channel", "EventKind", "ActivityKind"]
