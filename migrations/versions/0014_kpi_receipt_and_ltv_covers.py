"""two KPI covers: won deals in account order, receipts by the time of reading

Revision ID: 0014
Revises: 0013

* ``ix_opp_stage_account_amount``: ``ltv_by_segment`` sums every won deal ever by its
  account's segment and counts the accounts. The closed pass's covers hold the account but in
  closing-date order, so each won deal fetched its account's row in no particular order
  (161,557 deals, 75,180 accounts at large: 173 ms on SQLite); in account order, with the
  amount in the index, it is 56 ms.
* ``ix_note_read_at``: ``note_read_rate`` counts the receipts made by as_of. Checking
  ``read_at`` on each of the period's 600,000 receipts was a third of that count on SQLite
  (the covering index is three times the unique one's width); the receipts made after as_of
  are a range of this index instead (none when as_of is now) and are subtracted.
"""
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_opp_stage_account_amount", "opportunity", ["stage", "account_id", "amount"])
    op.create_index("ix_note_read_at", "note_read", ["read_at"])


def downgrade() -> None:
    op.drop_index("ix_note_read_at", table_name="note_read")
    op.drop_index("ix_opp_stage_account_amount", table_name="opportunity")
