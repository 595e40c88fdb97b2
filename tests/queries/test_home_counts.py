"""My day's company counts (queries.home), on both databases: the leads waiting for routing are
the open leads with no territory or no rep, and the rejected ones — each lead once."""
from sqlmodel import Session

from queries import home
from queries.scope import Viewer
from tests.factories import Builder, LeadStatus, Role, utc

MARKETER = Viewer(id=0, username="m", display_name="M", role=Role.marketer, territory_id=None)


def test_leads_waiting_for_routing_count_each_lead_once(engine):
    with Builder(engine) as b:
        t = b.territory()
        rep = b.user(role=Role.rep, territory=t)
        c = b.campaign()
        day = utc(2026, 3, 2)

        def lead(status, territory=None, assigned=None):
            return b.lead(c, created_at=day, status=status, territory=territory, assigned_to=assigned,
                          assigned_at=day if assigned else None)
        lead(LeadStatus.new)                               # neither territory nor rep: counted once
        lead(LeadStatus.accepted, territory=t)             # a territory, no rep
        lead(LeadStatus.qualified, territory=t)            # a territory, no rep
        lead(LeadStatus.working, territory=None, assigned=rep)   # a rep, no territory (an old record)
        lead(LeadStatus.rejected, territory=t, assigned=rep)     # rejected: back to marketing
        lead(LeadStatus.rejected)                          # rejected, no territory: still once
        lead(LeadStatus.new, territory=t, assigned=rep)    # routed
        lead(LeadStatus.converted)                         # closed: not waiting
        lead(LeadStatus.disqualified, territory=t)         # closed: not waiting
        lead(LeadStatus.nurture)                           # nurture is not open
    with Session(engine) as s:
        assert home.unrouted_leads(session=s) == 6
        assert home.marketing_day(MARKETER, session=s).unrouted_leads == 6
