"""household needs list what their money buys; staff post progress updates on listings

Revision ID: 0022_listing_costs_and_updates
Revises: 0021_notifications
Create Date: 2026-12-07 01:00:00.000000

`listing_cost_item`: the lines of what a household need's budget buys (they add up to the budget).
`listing_update`: progress updates staff post on a listing, with an optional photo (private original
and a re-encoded public copy), shown newest first on its public page.
"""
import sqlalchemy as sa
from alembic import op

import marketplace.platform.types

# revision identifiers, used by Alembic.
revision = '0022_listing_costs_and_updates'
down_revision = '0021_notifications'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'listing_cost_item',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('listing_id', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('label', sa.String(length=120), nullable=False),
        sa.Column('amount_fen', sa.BigInteger(), nullable=False),
        sa.CheckConstraint('amount_fen > 0', name=op.f('ck_listing_cost_item_amount_positive')),
        sa.ForeignKeyConstraint(['listing_id'], ['listing.id'], name=op.f('fk_listing_cost_item_listing_id_listing')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_listing_cost_item')),
    )
    op.create_index(op.f('ix_listing_cost_item_listing_id'), 'listing_cost_item', ['listing_id'], unique=False)
    op.create_table(
        'listing_update',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('listing_id', sa.Integer(), nullable=False),
        sa.Column('author_id', sa.Integer(), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('photo_path', sa.String(length=200), nullable=False),
        sa.Column('public_photo_path', sa.String(length=200), nullable=False),
        sa.Column('created_at', marketplace.platform.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['author_id'], ['user_account.id'], name=op.f('fk_listing_update_author_id_user_account')),
        sa.ForeignKeyConstraint(['listing_id'], ['listing.id'], name=op.f('fk_listing_update_listing_id_listing')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_listing_update')),
    )
    op.create_index(op.f('ix_listing_update_listing_id'), 'listing_update', ['listing_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_listing_update_listing_id'), table_name='listing_update')
    op.drop_table('listing_update')
    op.drop_index(op.f('ix_listing_cost_item_listing_id'), table_name='listing_cost_item')
    op.drop_table('listing_cost_item')
