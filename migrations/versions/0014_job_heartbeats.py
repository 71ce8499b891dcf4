"""heartbeat and problem of statement imports

Revision ID: 0014_job_heartbeats
Revises: 0013_outbox_jobs
Create Date: 2026-12-07 03:00:00.000000

`reconciliation_import.heartbeat_at` is beaten by the job importing a statement, so a dead worker is
found by `flask jobs sweep`; `reconciliation_import.problem` says why a failed import stopped.
"""
import sqlalchemy as sa
from alembic import op

import marketplace.platform.types  # noqa: F401  (custom column types)

# revision identifiers, used by Alembic.
revision = '0014_job_heartbeats'
down_revision = '0013_outbox_jobs'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('reconciliation_import', schema=None) as batch_op:
        batch_op.add_column(sa.Column('problem', sa.String(length=20), server_default='', nullable=False))
        batch_op.add_column(sa.Column('heartbeat_at', marketplace.platform.types.UTCDateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('reconciliation_import', schema=None) as batch_op:
        batch_op.drop_column('heartbeat_at')
        batch_op.drop_column('problem')
