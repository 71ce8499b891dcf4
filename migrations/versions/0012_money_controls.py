"""money controls: a finance role, organisations' registered details and unique normalised names,
late offline gifts, reconciliation corrections waiting for a second person; households verified by
the person who registered them fall due for re-verification by someone else

Revision ID: 0012_money_controls
Revises: 0011_wish_money
Create Date: 2026-12-10 10:00:00.000000

Existing organisations get their name keys in id order, verified ones first; a name that already
looks like an earlier organisation's keeps no key (it stays as it is, and the next edit must rename
it). A household whose verifier is the person who registered it is marked due for re-verification
today, so another person visits it; its history is kept.
"""
from datetime import date, timedelta

import sqlalchemy as sa
from alembic import op

import marketplace.platform.types  # noqa: F401  (custom column types)
from marketplace.orgs.names import name_key

revision = '0012_money_controls'
down_revision = '0011_wish_money'
branch_labels = None
depends_on = None

OLD_ROLES = "role IN ('member', 'coordinator', 'staff', 'admin')"
NEW_ROLES = "role IN ('member', 'coordinator', 'staff', 'finance', 'admin')"


def upgrade():
    for table in ('membership', 'invitation'):
        with op.batch_alter_table(table) as batch:
            batch.drop_constraint('role_known', type_='check')
            batch.create_check_constraint('role_known', NEW_ROLES)
    with op.batch_alter_table('organisation') as batch:
        batch.add_column(sa.Column('registered_name', sa.String(length=200), nullable=False, server_default=''))
        batch.add_column(sa.Column('credit_code', sa.String(length=18), nullable=True))
        batch.add_column(sa.Column('address', sa.String(length=300), nullable=False, server_default=''))
        batch.add_column(sa.Column('name_zh_key', sa.String(length=120), nullable=True))
        batch.add_column(sa.Column('name_en_key', sa.String(length=160), nullable=True))
        batch.create_unique_constraint(batch.f('uq_organisation_credit_code'), ['credit_code'])
        batch.create_unique_constraint(batch.f('uq_organisation_name_zh_key'), ['name_zh_key'])
        batch.create_unique_constraint(batch.f('uq_organisation_name_en_key'), ['name_en_key'])
    with op.batch_alter_table('organisation') as batch:
        batch.alter_column('registered_name', server_default=None)
        batch.alter_column('address', server_default=None)
    _fill_name_keys()
    with op.batch_alter_table('donation') as batch:
        batch.add_column(sa.Column('is_late_entry', sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table('donation') as batch:
        batch.alter_column('is_late_entry', server_default=None)
    op.create_table('reconciliation_correction_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('line_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('amount_fen', sa.BigInteger(), nullable=False),
    sa.Column('reason', sa.String(length=300), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', marketplace.platform.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('decided_at', marketplace.platform.types.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status IN ('requested', 'approved', 'rejected')",
                       name=op.f('ck_reconciliation_correction_request_status_known')),
    sa.ForeignKeyConstraint(['account_id'], ['ledger_account.id'],
                            name=op.f('fk_reconciliation_correction_request_account_id_ledger_account')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user_account.id'],
                            name=op.f('fk_reconciliation_correction_request_decided_by_id_user_account')),
    sa.ForeignKeyConstraint(['line_id'], ['reconciliation_line.id'],
                            name=op.f('fk_reconciliation_correction_request_line_id_reconciliation_line')),
    sa.ForeignKeyConstraint(['requested_by_id'], ['user_account.id'],
                            name=op.f('fk_reconciliation_correction_request_requested_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reconciliation_correction_request'))
    )
    with op.batch_alter_table('reconciliation_correction_request') as batch:
        batch.create_index(batch.f('ix_reconciliation_correction_request_account_id'), ['account_id'])
        batch.create_index(batch.f('ix_reconciliation_correction_request_line_id'), ['line_id'])
    op.execute(sa.text("UPDATE beneficiary SET reverify_due_on = :due WHERE verified_by_id = registered_by_id "
                       "AND (reverify_due_on IS NULL OR reverify_due_on > :due)")
               .bindparams(due=date.today() - timedelta(days=1)))


def _fill_name_keys():
    bind = op.get_bind()
    rows = bind.execute(sa.text("SELECT id, name_zh, name_en FROM organisation "
                                "ORDER BY is_verified DESC, id")).all()
    seen: dict[str, set] = {"zh": set(), "en": set()}
    for org_id, name_zh, name_en in rows:
        keys = {}
        for lang, name in (("zh", name_zh), ("en", name_en)):
            key = name_key(name)
            if key and key not in seen[lang]:
                seen[lang].add(key)
                keys[f"name_{lang}_key"] = key
        if keys:
            sets = ", ".join(f"{column} = :{column}" for column in keys)
            bind.execute(sa.text(f"UPDATE organisation SET {sets} WHERE id = :id"), {**keys, "id": org_id})


def downgrade():
    with op.batch_alter_table('reconciliation_correction_request') as batch:
        batch.drop_index(batch.f('ix_reconciliation_correction_request_line_id'))
        batch.drop_index(batch.f('ix_reconciliation_correction_request_account_id'))
    op.drop_table('reconciliation_correction_request')
    with op.batch_alter_table('donation') as batch:
        batch.drop_column('is_late_entry')
    with op.batch_alter_table('organisation') as batch:
        batch.drop_constraint(batch.f('uq_organisation_name_en_key'), type_='unique')
        batch.drop_constraint(batch.f('uq_organisation_name_zh_key'), type_='unique')
        batch.drop_constraint(batch.f('uq_organisation_credit_code'), type_='unique')
        for column in ('name_en_key', 'name_zh_key', 'address', 'credit_code', 'registered_name'):
            batch.drop_column(column)
    op.execute("UPDATE membership SET role = 'staff' WHERE role = 'finance'")
    op.execute("UPDATE invitation SET role = 'staff' WHERE role = 'finance'")
    for table in ('membership', 'invitation'):
        with op.batch_alter_table(table) as batch:
            batch.drop_constraint('role_known', type_='check')
            batch.create_check_constraint('role_known', OLD_ROLES)
