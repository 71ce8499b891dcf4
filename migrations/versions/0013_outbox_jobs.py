"""outbox for mail delivered after the commit; heartbeat and problem of bulk imports

Revision ID: 0013_outbox_jobs
Revises: 0012_money_controls
Create Date: 2026-12-06 03:00:00.000000

`outbox_message` holds each email (or receipt to build) written in the same transaction as the
change it reports; a worker leases, sends and marks it. `import_batch.heartbeat_at` is beaten by
the job checking or posting a sheet, so a dead worker is found; `import_batch.problem` says why the
last check or posting did not finish.
"""
import sqlalchemy as sa
from alembic import op

import marketplace.platform.types  # noqa: F401  (custom column types)

# revision identifiers, used by Alembic.
revision = '0013_outbox_jobs'
down_revision = '0012_money_controls'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('outbox_message',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('created_at', marketplace.platform.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('available_at', marketplace.platform.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('locked_until', marketplace.platform.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('delivered_at', marketplace.platform.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('failed_at', marketplace.platform.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.String(length=500), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_message'))
    )
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.create_index('ix_outbox_message_due', ['delivered_at', 'available_at'], unique=False)
    with op.batch_alter_table('import_batch', schema=None) as batch_op:
        batch_op.add_column(sa.Column('problem', sa.String(length=20), server_default='', nullable=False))
        batch_op.add_column(sa.Column('heartbeat_at', marketplace.platform.types.UTCDateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('import_batch', schema=None) as batch_op:
        batch_op.drop_column('heartbeat_at')
        batch_op.drop_column('problem')
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_message_due')
    op.drop_table('outbox_message')
