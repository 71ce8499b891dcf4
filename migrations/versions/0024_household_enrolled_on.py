"""a household's care record keeps the day it was enrolled: its first visit falls due from that day, and a
monthly comparison counts it only from its month

Revision ID: 0024_household_enrolled_on
Revises: 0023_referrals
Create Date: 2026-12-07 05:00:00.000000

Records enrolled before this revision take the day of their last visit, or today.
"""
from datetime import date

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0024_household_enrolled_on'
down_revision = '0023_referrals'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('household_care', schema=None) as batch_op:
        batch_op.add_column(sa.Column('enrolled_on', sa.Date(), nullable=True))
    op.execute(sa.text("UPDATE household_care SET enrolled_on = COALESCE(last_visited_on, :today)")
               .bindparams(today=date.today()))
    with op.batch_alter_table('household_care', schema=None) as batch_op:
        batch_op.alter_column('enrolled_on', existing_type=sa.Date(), nullable=False)


def downgrade():
    with op.batch_alter_table('household_care', schema=None) as batch_op:
        batch_op.drop_column('enrolled_on')
