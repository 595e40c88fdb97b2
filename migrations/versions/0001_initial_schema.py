"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-28 06:50:39.257108
"""
from alembic import op
import sqlalchemy as sa
import models.types


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('audit_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', models.types.UTCDateTime(), nullable=False),
    sa.Column('username', sa.String(length=150), nullable=True),
    sa.Column('action', sa.String(length=64), nullable=False),
    sa.Column('entity', sa.String(length=64), nullable=False),
    sa.Column('entity_key', sa.String(length=300), nullable=True),
    sa.Column('detail', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.create_index('ix_audit_at', ['at'], unique=False)
        batch_op.create_index('ix_audit_entity', ['entity', 'entity_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_log_username'), ['username'], unique=False)

    op.create_table('login_throttle',
    sa.Column('username', sa.String(length=150), nullable=False),
    sa.Column('failed_count', sa.Integer(), nullable=False),
    sa.Column('first_failed_at', models.types.UTCDateTime(), nullable=True),
    sa.Column('locked_until', models.types.UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('username')
    )
    op.create_table('setting',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('value', sa.String(length=200), nullable=False),
    sa.PrimaryKeyConstraint('key')
    )
    op.create_table('territory',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('code')
    )
    op.create_table('app_user',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=150), nullable=False),
    sa.Column('display_name', sa.String(length=200), nullable=False),
    sa.Column('email', sa.String(length=320), nullable=True),
    sa.Column('role', sa.Enum('rep', 'manager', 'marketer', 'executive', 'admin', name='ck_role', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('territory_id', sa.Integer(), nullable=True),
    sa.Column('manager_id', sa.Integer(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('password_hash', sa.String(length=100), nullable=True),
    sa.Column('must_change_password', sa.Boolean(), nullable=False),
    sa.Column('session_epoch', models.types.UTCDateTime(), nullable=True),
    sa.CheckConstraint("role NOT IN ('rep', 'manager') OR territory_id IS NOT NULL", name='ck_user_field_role_has_territory'),
    sa.ForeignKeyConstraint(['manager_id'], ['app_user.id'], ),
    sa.ForeignKeyConstraint(['territory_id'], ['territory.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('username')
    )
    with op.batch_alter_table('app_user', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_app_user_territory_id'), ['territory_id'], unique=False)

    op.create_table('monthly_target',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('territory_id', sa.Integer(), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('revenue_target', models.types.Money(), nullable=True),
    sa.Column('forecast', models.types.Money(), nullable=True),
    sa.CheckConstraint('forecast IS NULL OR forecast >= 0', name='ck_forecast_nonneg'),
    sa.CheckConstraint('revenue_target IS NULL OR revenue_target >= 0', name='ck_target_nonneg'),
    sa.ForeignKeyConstraint(['territory_id'], ['territory.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('territory_id', 'month', name='uq_target_territory_month')
    )
    with op.batch_alter_table('monthly_target', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_monthly_target_month'), ['month'], unique=False)

    op.create_table('account',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('sector', sa.String(length=100), nullable=True),
    sa.Column('segment', sa.Enum('enterprise', 'mid_market', 'smb', name='ck_segment', native_enum=False, create_constraint=True, length=20), nullable=True),
    sa.Column('territory_id', sa.Integer(), nullable=True),
    sa.Column('owner_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['owner_id'], ['app_user.id'], ),
    sa.ForeignKeyConstraint(['territory_id'], ['territory.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('name')
    )
    with op.batch_alter_table('account', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_account_owner_id'), ['owner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_account_territory_id'), ['territory_id'], unique=False)

    op.create_table('campaign',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('channel', sa.Enum('event', 'webinar', 'email', 'digital', 'print', 'partner', 'other', name='ck_channel', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('status', sa.Enum('planned', 'active', 'completed', 'cancelled', name='ck_campaignstatus', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=False),
    sa.Column('objective', sa.Text(), nullable=True),
    sa.Column('budget', models.types.Money(), nullable=True),
    sa.Column('actual_cost', models.types.Money(), nullable=True),
    sa.Column('target_segment', sa.Enum('enterprise', 'mid_market', 'smb', name='ck_segment', native_enum=False, create_constraint=True, length=20), nullable=True),
    sa.Column('owner_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint('actual_cost IS NULL OR actual_cost >= 0', name='ck_campaign_cost'),
    sa.CheckConstraint('budget IS NULL OR budget >= 0', name='ck_campaign_budget'),
    sa.CheckConstraint('end_date >= start_date', name='ck_campaign_dates'),
    sa.ForeignKeyConstraint(['owner_id'], ['app_user.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('code')
    )
    with op.batch_alter_table('campaign', schema=None) as batch_op:
        batch_op.create_index('ix_campaign_start_date', ['start_date'], unique=False)

    op.create_table('campaign_note',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('body_md', sa.Text(), nullable=False),
    sa.Column('status', sa.Enum('draft', 'published', name='ck_notestatus', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('published_at', models.types.UTCDateTime(), nullable=True),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('version >= 1', name='ck_note_version'),
    sa.ForeignKeyConstraint(['author_id'], ['app_user.id'], ),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('campaign_id', 'version', name='uq_note_campaign_version')
    )
    with op.batch_alter_table('campaign_note', schema=None) as batch_op:
        batch_op.create_index('ix_note_status_published', ['status', 'published_at'], unique=False)

    op.create_table('campaign_territory',
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('territory_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['territory_id'], ['territory.id'], ),
    sa.PrimaryKeyConstraint('campaign_id', 'territory_id')
    )
    with op.batch_alter_table('campaign_territory', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_campaign_territory_territory_id'), ['territory_id'], unique=False)

    op.create_table('event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('kind', sa.Enum('seminar', 'trade_show', 'webinar', 'roadshow', 'workshop', 'promotion', 'other', name='ck_eventkind', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('territory_id', sa.Integer(), nullable=False),
    sa.Column('venue', sa.String(length=300), nullable=True),
    sa.Column('starts_at', models.types.UTCDateTime(), nullable=False),
    sa.Column('ends_at', models.types.UTCDateTime(), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=True),
    sa.Column('status', sa.Enum('scheduled', 'cancelled', name='ck_eventstatus', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.CheckConstraint('capacity IS NULL OR capacity >= 0', name='ck_event_capacity'),
    sa.CheckConstraint('ends_at >= starts_at', name='ck_event_dates'),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], ),
    sa.ForeignKeyConstraint(['territory_id'], ['territory.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('code')
    )
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_campaign_id'), ['campaign_id'], unique=False)
        batch_op.create_index('ix_event_starts_at', ['starts_at'], unique=False)
        batch_op.create_index('ix_event_territory_starts', ['territory_id', 'starts_at'], unique=False)

    op.create_table('feedback',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=True),
    sa.Column('event_id', sa.Integer(), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('question', 'objection', 'competitor', 'win_story', 'other', name='ck_feedbackkind', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', models.types.UTCDateTime(), nullable=False),
    sa.Column('answer', sa.Text(), nullable=True),
    sa.Column('answered_by_id', sa.Integer(), nullable=True),
    sa.Column('answered_at', models.types.UTCDateTime(), nullable=True),
    sa.Column('resolved_at', models.types.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['answered_by_id'], ['app_user.id'], ),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], ),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('user_id', 'created_at', 'kind', name='uq_feedback_key')
    )
    with op.batch_alter_table('feedback', schema=None) as batch_op:
        batch_op.create_index('ix_feedback_campaign', ['campaign_id'], unique=False)

    op.create_table('import_batch',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=True),
    sa.Column('filename', sa.String(length=300), nullable=False),
    sa.Column('created_at', models.types.UTCDateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('row_count', sa.Integer(), nullable=False),
    sa.Column('undone_at', models.types.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], ),
    sa.ForeignKeyConstraint(['created_by_id'], ['app_user.id'], ),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('note_read',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('note_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('read_at', models.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['note_id'], ['campaign_note.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('note_id', 'user_id', name='uq_note_read')
    )
    with op.batch_alter_table('note_read', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_note_read_user_id'), ['user_id'], unique=False)

    op.create_table('lead',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=True),
    sa.Column('account_id', sa.Integer(), nullable=True),
    sa.Column('company', sa.String(length=300), nullable=False),
    sa.Column('contact_name', sa.String(length=200), nullable=True),
    sa.Column('email', sa.String(length=320), nullable=True),
    sa.Column('phone', sa.String(length=64), nullable=True),
    sa.Column('territory_id', sa.Integer(), nullable=True),
    sa.Column('assigned_to_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.Enum('new', 'working', 'qualified', 'converted', 'disqualified', name='ck_leadstatus', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('created_at', models.types.UTCDateTime(), nullable=False),
    sa.Column('assigned_at', models.types.UTCDateTime(), nullable=True),
    sa.Column('first_touch_at', models.types.UTCDateTime(), nullable=True),
    sa.Column('converted_at', models.types.UTCDateTime(), nullable=True),
    sa.Column('disqualify_reason', sa.Text(), nullable=True),
    sa.Column('opportunity_id', sa.Integer(), nullable=True),
    sa.Column('import_batch_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint('assigned_at IS NULL OR assigned_at >= created_at', name='ck_lead_assigned_after_created'),
    sa.CheckConstraint('first_touch_at IS NULL OR assigned_at IS NULL OR first_touch_at >= assigned_at', name='ck_lead_touch_after_assigned'),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], ),
    sa.ForeignKeyConstraint(['assigned_to_id'], ['app_user.id'], ),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], ),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], ),
    sa.ForeignKeyConstraint(['import_batch_id'], ['import_batch.id'], ),
    sa.ForeignKeyConstraint(['opportunity_id'], ['opportunity.id'], name='fk_lead_opportunity', use_alter=True),
    sa.ForeignKeyConstraint(['territory_id'], ['territory.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('code')
    )
    with op.batch_alter_table('lead', schema=None) as batch_op:
        batch_op.create_index('ix_lead_account', ['account_id'], unique=False)
        batch_op.create_index('ix_lead_assigned_at', ['assigned_at'], unique=False)
        batch_op.create_index('ix_lead_assignee_status', ['assigned_to_id', 'status'], unique=False)
        batch_op.create_index('ix_lead_batch', ['import_batch_id'], unique=False)
        batch_op.create_index('ix_lead_campaign', ['campaign_id'], unique=False)
        batch_op.create_index('ix_lead_created_at', ['created_at'], unique=False)
        batch_op.create_index('ix_lead_event', ['event_id'], unique=False)
        batch_op.create_index('ix_lead_territory_status', ['territory_id', 'status'], unique=False)

    op.create_table('opportunity',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=True),
    sa.Column('owner_id', sa.Integer(), nullable=True),
    sa.Column('territory_id', sa.Integer(), nullable=False),
    sa.Column('stage', sa.Enum('prospecting', 'engaging', 'proposal', 'won', 'lost', name='ck_stage', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('amount', models.types.Money(), nullable=True),
    sa.Column('product', sa.String(length=200), nullable=True),
    sa.Column('opened_on', sa.Date(), nullable=True),
    sa.Column('expected_close_on', sa.Date(), nullable=True),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.Column('source_campaign_id', sa.Integer(), nullable=True),
    sa.Column('lead_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint('amount IS NULL OR amount >= 0', name='ck_opportunity_amount'),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], ),
    sa.ForeignKeyConstraint(['lead_id'], ['lead.id'], ),
    sa.ForeignKeyConstraint(['owner_id'], ['app_user.id'], ),
    sa.ForeignKeyConstraint(['source_campaign_id'], ['campaign.id'], ),
    sa.ForeignKeyConstraint(['territory_id'], ['territory.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('code')
    )
    with op.batch_alter_table('opportunity', schema=None) as batch_op:
        batch_op.create_index('ix_opp_account', ['account_id'], unique=False)
        batch_op.create_index('ix_opp_closed_stage', ['closed_on', 'stage'], unique=False)
        batch_op.create_index('ix_opp_owner_stage', ['owner_id', 'stage'], unique=False)
        batch_op.create_index('ix_opp_source_campaign', ['source_campaign_id'], unique=False)
        batch_op.create_index('ix_opp_stage', ['stage'], unique=False)
        batch_op.create_index('ix_opp_territory_closed', ['territory_id', 'closed_on'], unique=False)

    # lead <-> opportunity reference each other; SQLite created this FK inline with the table.
    if op.get_bind().dialect.name != 'sqlite':
        op.create_foreign_key('fk_lead_opportunity', 'lead', 'opportunity', ['opportunity_id'], ['id'])

    op.create_table('activity',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('call', 'visit', 'email', 'meeting', 'event', name='ck_activitykind', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('occurred_at', models.types.UTCDateTime(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=True),
    sa.Column('lead_id', sa.Integer(), nullable=True),
    sa.Column('opportunity_id', sa.Integer(), nullable=True),
    sa.Column('event_id', sa.Integer(), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], ),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], ),
    sa.ForeignKeyConstraint(['lead_id'], ['lead.id'], ),
    sa.ForeignKeyConstraint(['opportunity_id'], ['opportunity.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('activity', schema=None) as batch_op:
        batch_op.create_index('ix_activity_account', ['account_id'], unique=False)
        batch_op.create_index('ix_activity_lead', ['lead_id'], unique=False)
        batch_op.create_index('ix_activity_opportunity', ['opportunity_id'], unique=False)
        batch_op.create_index('ix_activity_user_time', ['user_id', 'occurred_at'], unique=False)



def downgrade() -> None:
    if op.get_bind().dialect.name != 'sqlite':
        op.drop_constraint('fk_lead_opportunity', 'lead', type_='foreignkey')
    with op.batch_alter_table('activity', schema=None) as batch_op:
        batch_op.drop_index('ix_activity_user_time')
        batch_op.drop_index('ix_activity_opportunity')
        batch_op.drop_index('ix_activity_lead')
        batch_op.drop_index('ix_activity_account')

    op.drop_table('activity')
    with op.batch_alter_table('opportunity', schema=None) as batch_op:
        batch_op.drop_index('ix_opp_territory_closed')
        batch_op.drop_index('ix_opp_stage')
        batch_op.drop_index('ix_opp_source_campaign')
        batch_op.drop_index('ix_opp_owner_stage')
        batch_op.drop_index('ix_opp_closed_stage')
        batch_op.drop_index('ix_opp_account')

    op.drop_table('opportunity')
    with op.batch_alter_table('lead', schema=None) as batch_op:
        batch_op.drop_index('ix_lead_territory_status')
        batch_op.drop_index('ix_lead_event')
        batch_op.drop_index('ix_lead_created_at')
        batch_op.drop_index('ix_lead_campaign')
        batch_op.drop_index('ix_lead_batch')
        batch_op.drop_index('ix_lead_assignee_status')
        batch_op.drop_index('ix_lead_assigned_at')
        batch_op.drop_index('ix_lead_account')

    op.drop_table('lead')
    with op.batch_alter_table('note_read', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_note_read_user_id'))

    op.drop_table('note_read')
    op.drop_table('import_batch')
    with op.batch_alter_table('feedback', schema=None) as batch_op:
        batch_op.drop_index('ix_feedback_campaign')

    op.drop_table('feedback')
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.drop_index('ix_event_territory_starts')
        batch_op.drop_index('ix_event_starts_at')
        batch_op.drop_index(batch_op.f('ix_event_campaign_id'))

    op.drop_table('event')
    with op.batch_alter_table('campaign_territory', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_campaign_territory_territory_id'))

    op.drop_table('campaign_territory')
    with op.batch_alter_table('campaign_note', schema=None) as batch_op:
        batch_op.drop_index('ix_note_status_published')

    op.drop_table('campaign_note')
    with op.batch_alter_table('campaign', schema=None) as batch_op:
        batch_op.drop_index('ix_campaign_start_date')

    op.drop_table('campaign')
    with op.batch_alter_table('account', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_account_territory_id'))
        batch_op.drop_index(batch_op.f('ix_account_owner_id'))

    op.drop_table('account')
    with op.batch_alter_table('monthly_target', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_monthly_target_month'))

    op.drop_table('monthly_target')
    with op.batch_alter_table('app_user', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_app_user_territory_id'))

    op.drop_table('app_user')
    op.drop_table('territory')
    op.drop_table('setting')
    op.drop_table('login_throttle')
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_log_username'))
        batch_op.drop_index('ix_audit_entity')
        batch_op.drop_index('ix_audit_at')

    op.drop_table('audit_log')
