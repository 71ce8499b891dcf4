"""notifications: one row per person, their email choices, weekly digests sent

Revision ID: 0021_notifications
Revises: 0020_activity_care_contact
Create Date: 2026-12-07 01:10:00.000000

A notification stores its kind and parameters, never its text: the words are rendered in the reader's
language when shown. `notification_preference` keeps only choices that differ from a kind's default;
`notification_digest` has one row per person and week, written with the digest's email.
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0021_notifications'
down_revision = '0020_activity_care_contact'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'notification',
        sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=32), nullable=False),
        sa.Column('params', sa.JSON(), nullable=False),
        sa.Column('link_endpoint', sa.String(length=64), nullable=False),
        sa.Column('link_args', sa.JSON(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('read_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_notification_user_id_user_account')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_notification')),
    )
    op.create_index('ix_notification_user_unread', 'notification', ['user_id', 'read_at'])
    op.create_index('ix_notification_user_created', 'notification', ['user_id', 'created_at'])
    op.create_table(
        'notification_preference',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=32), nullable=False),
        sa.Column('is_emailed', sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['user_account.id'],
                                name=op.f('fk_notification_preference_user_id_user_account')),
        sa.PrimaryKeyConstraint('user_id', 'kind', name=op.f('pk_notification_preference')),
    )
    op.create_table(
        'notification_digest',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('week_start', sa.Date(), nullable=False),
        sa.Column('count', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['user_account.id'],
                                name=op.f('fk_notification_digest_user_id_user_account')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_notification_digest')),
        sa.UniqueConstraint('user_id', 'week_start', name=op.f('uq_notification_digest_user_id')),
    )


def downgrade():
    op.drop_table('notification_digest')
    op.drop_table('notification_preference')
    op.drop_index('ix_notification_user_created', table_name='notification')
    op.drop_index('ix_notification_user_unread', table_name='notification')
    op.drop_table('notification')
