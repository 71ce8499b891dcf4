"""state changes: one record of every move of a stateful record

Revision ID: 0015_state_changes
Revises: 0014_job_heartbeats
Create Date: 2026-12-07 20:00:00.000000

`state_change` is appended by marketplace/platform/states.py, the one writer of `status`: which
machine, which record, from, to, who, when and why. Listings keep their own `listing_event`.
"""
import sqlalchemy as sa
from alembic import op

import marketplace.platform.types  # noqa: F401  (custom column types)

# revision identifiers, used by Alembic.
revision = '0015_state_changes'
down_revision = '0014_job_heartbeats'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'state_change',
        sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
        sa.Column('machine', sa.String(length=32), nullable=False),
        sa.Column('subject_id', sa.BigInteger(), nullable=False),
        sa.Column('from_state', sa.String(length=20), nullable=False),
        sa.Column('to_state', sa.String(length=20), nullable=False),
        sa.Column('actor_id', sa.Integer(), nullable=True),
        sa.Column('reason', sa.String(length=300), nullable=False),
        sa.Column('created_at', marketplace.platform.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['actor_id'], ['user_account.id'], name=op.f('fk_state_change_actor_id_user_account')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_state_change')),
    )
    op.create_index('ix_state_change_subject', 'state_change', ['machine', 'subject_id', 'id'], unique=False)


def downgrade():
    op.drop_index('ix_state_change_subject', table_name='state_change')
    op.drop_table('state_change')
