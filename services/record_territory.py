"""Activities and feedback keep the territory they were written in.

A record's ``territory_id`` is set when it is written (the author's territory then) and never
follows the author to another territory: a rep moved from Seoul to Busan leaves his Seoul
activities and feedback with Seoul's manager. Rows that arrive without one (a bundle import)
get the same rule as migration 0004's backfill: an activity the territory of its opportunity,
lead, event or account, else its author's; feedback that of its event, else its author's.
"""
from __future__ import annotations

from sqlalchemy.engine import Connection

# Migration 0004 holds a frozen copy of these two statements (a migration does not import product
# code); a later change of the rule here does not touch it.
ACTIVITY_FILL = """
UPDATE activity SET territory_id = COALESCE(
    (SELECT o.territory_id FROM opportunity o WHERE o.id = activity.opportunity_id),
    (SELECT l.territory_id FROM lead l WHERE l.id = activity.lead_id),
    (SELECT e.territory_id FROM event e WHERE e.id = activity.event_id),
    (SELECT a.territory_id FROM account a WHERE a.id = activity.account_id),
    (SELECT u.territory_id FROM app_user u WHERE u.id = activity.user_id))
WHERE territory_id IS NULL
"""
FEEDBACK_FILL = """
UPDATE feedback SET territory_id = COALESCE(
    (SELECT e.territory_id FROM event e WHERE e.id = feedback.event_id),
    (SELECT u.territory_id FROM app_user u WHERE u.id = feedback.user_id))
WHERE territory_id IS NULL
"""


def fill_missing_territories(conn: Connection) -> None:
    """Give every activity and feedback row without a territory the one it belongs to
    (inside the caller's transaction)."""
    conn.exec_driver_sql(ACTIVITY_FILL)
    conn.exec_driver_sql(FEEDBACK_FILL)
