"""Wish and need money: what a listing received, staff cancellations confirmed by a second person,
excess of a gift and where it went, co-funding shares, credit notes, events left for staff,
idempotent API requests

Revision ID: 0011_wish_money
Revises: 0009
Create Date: 2026-12-14 09:00:00.000000

Existing data is mended here: each listing's `received_fen` is what its restricted fund kept
(gifts less refunds), and `pledged_fen` (the part of the budget taken) now also counts money
received without a pledge, such as offline gifts; both are capped at the budget. Money already
collected past a budget stays in its fund: `flask --app wsgi wishes settle-excess` moves it to the
organisation's community fund (ledger entries, so a command and not a migration; safe to repeat).
"""
from alembic import op
import sqlalchemy as sa

import marketplace.platform.types  # noqa: F401  (custom column types)


# revision identifiers, used by Alembic.
revision = '0011_wish_money'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('listing', schema=None) as batch_op:
        batch_op.add_column(sa.Column('received_fen', sa.BigInteger(), nullable=False, server_default='0'))
    with op.batch_alter_table('donation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('excess_choice', sa.String(length=16), nullable=False,
                                      server_default='community'))
        batch_op.add_column(sa.Column('excess_fen', sa.BigInteger(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('source', sa.String(length=16), nullable=True))
        batch_op.create_check_constraint('excess_choice_known', "excess_choice IN ('community', 'refund')")
        batch_op.create_check_constraint('excess_within_amount', 'excess_fen >= 0 AND excess_fen <= amount_fen')
    with op.batch_alter_table('payment_event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('needs_attention', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('settled_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('settled_at', marketplace.platform.types.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('settle_note', sa.String(length=300), nullable=False, server_default=''))
        batch_op.create_index(batch_op.f('ix_payment_event_needs_attention'), ['needs_attention'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_payment_event_settled_by_id_user_account'), 'user_account',
                                    ['settled_by_id'], ['id'])
    op.create_table('listing_cancellation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('listing_id', sa.Integer(), nullable=False),
    sa.Column('action', sa.String(length=16), nullable=False),
    sa.Column('reason', sa.String(length=300), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('amount_fen', sa.BigInteger(), nullable=False),
    sa.Column('proposed_by_id', sa.Integer(), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', marketplace.platform.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('decided_at', marketplace.platform.types.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint("action IN ('refund', 'reallocate')", name=op.f('ck_listing_cancellation_action_known')),
    sa.CheckConstraint("status IN ('proposed', 'confirmed', 'rejected')",
                       name=op.f('ck_listing_cancellation_status_known')),
    sa.ForeignKeyConstraint(['listing_id'], ['listing.id'], name=op.f('fk_listing_cancellation_listing_id_listing')),
    sa.ForeignKeyConstraint(['proposed_by_id'], ['user_account.id'],
                            name=op.f('fk_listing_cancellation_proposed_by_id_user_account')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user_account.id'],
                            name=op.f('fk_listing_cancellation_decided_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_listing_cancellation'))
    )
    with op.batch_alter_table('listing_cancellation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_listing_cancellation_listing_id'), ['listing_id'], unique=False)
        batch_op.create_index('uq_listing_cancellation_open', ['listing_id'], unique=True,
                              postgresql_where=sa.text("status = 'proposed'"),
                              sqlite_where=sa.text("status = 'proposed'"))
    op.create_table('credit_note',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=48), nullable=False),
    sa.Column('donation_id', sa.Integer(), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('receipt_no', sa.String(length=40), nullable=False),
    sa.Column('amount_fen', sa.BigInteger(), nullable=False),
    sa.Column('reason', sa.String(length=300), nullable=False),
    sa.Column('created_at', marketplace.platform.types.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('amount_fen > 0', name=op.f('ck_credit_note_amount_positive')),
    sa.ForeignKeyConstraint(['donation_id'], ['donation.id'], name=op.f('fk_credit_note_donation_id_donation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_credit_note')),
    sa.UniqueConstraint('number', name=op.f('uq_credit_note_number')),
    sa.UniqueConstraint('donation_id', 'sequence', name='uq_credit_note_sequence')
    )
    with op.batch_alter_table('credit_note', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_credit_note_donation_id'), ['donation_id'], unique=False)
    op.create_table('idempotent_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('scope', sa.String(length=80), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('request_hash', sa.String(length=64), nullable=False),
    sa.Column('status', sa.Integer(), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', marketplace.platform.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_idempotent_request_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_idempotent_request')),
    sa.UniqueConstraint('user_id', 'scope', 'key', name='uq_idempotent_request_key')
    )
    _mend_listing_money()
    with op.batch_alter_table('listing', schema=None) as batch_op:
        batch_op.create_check_constraint('received_within_taken', 'received_fen >= 0 AND received_fen <= pledged_fen')


def _mend_listing_money():
    """Count what each listing's fund kept, and money received without a pledge, within the budget."""
    kept = ("SELECT COALESCE(SUM(d.amount_fen - d.refunded_fen), 0) FROM donation d JOIN fund f ON f.id = d.fund_id "
            "WHERE f.listing_id = listing.id AND d.status IN ('completed', 'refunded')")
    unpledged = kept + " AND (d.pledge_id IS NULL OR d.pledge_id IN (SELECT id FROM pledge WHERE status <> 'paid'))"
    op.execute(f"UPDATE listing SET pledged_fen = CASE WHEN pledged_fen + ({unpledged}) > value_fen "
               f"THEN value_fen ELSE pledged_fen + ({unpledged}) END")
    op.execute(f"UPDATE listing SET received_fen = CASE WHEN ({kept}) > pledged_fen THEN pledged_fen "
               f"ELSE ({kept}) END")


def downgrade():
    with op.batch_alter_table('listing', schema=None) as batch_op:
        batch_op.drop_constraint('received_within_taken', type_='check')
        batch_op.drop_column('received_fen')
    op.drop_table('idempotent_request')
    with op.batch_alter_table('credit_note', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_credit_note_donation_id'))
    op.drop_table('credit_note')
    with op.batch_alter_table('listing_cancellation', schema=None) as batch_op:
        batch_op.drop_index('uq_listing_cancellation_open', postgresql_where=sa.text("status = 'proposed'"),
                            sqlite_where=sa.text("status = 'proposed'"))
        batch_op.drop_index(batch_op.f('ix_listing_cancellation_listing_id'))
    op.drop_table('listing_cancellation')
    with op.batch_alter_table('payment_event', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_payment_event_settled_by_id_user_account'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_payment_event_needs_attention'))
        for column in ('settle_note', 'settled_at', 'settled_by_id', 'needs_attention'):
            batch_op.drop_column(column)
    with op.batch_alter_table('donation', schema=None) as batch_op:
        batch_op.drop_constraint('excess_within_amount', type_='check')
        batch_op.drop_constraint('excess_choice_known', type_='check')
        for column in ('source', 'excess_fen', 'excess_choice'):
            batch_op.drop_column(column)
