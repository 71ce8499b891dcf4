"""public accounts: the funds' ledger lines folded into monthly sums, and the mark they are folded up to

Revision ID: 0027_fund_rollups
Revises: 0025_meals
Create Date: 2026-12-07 15:30:00.000000

`transparency_fund_month` starts empty and the mark at 0: until `flask transparency refresh` (or
`flask transparency rollup --rebuild`) first runs, the pages add the lines up as before.
"""
import sqlalchemy as sa
from alembic import op

import marketplace.platform.types  # noqa: F401  (custom column types)

# revision identifiers, used by Alembic.
revision = '0027_fund_rollups'
down_revision = '0025_meals'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "transparency_fund_month",
        sa.Column("account_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("fund_id", sa.BigInteger(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("lines", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("account_id", "month", "kind", name=op.f("pk_transparency_fund_month")),
    )
    op.create_index(op.f("ix_transparency_fund_month_fund_id"), "transparency_fund_month", ["fund_id"])
    op.create_table(
        "transparency_fund_month_mark",
        sa.Column("id", sa.SmallInteger(), autoincrement=False, nullable=False),
        sa.Column("posting_id", sa.BigInteger(), nullable=False),
        sa.Column("folded_at", marketplace.platform.types.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_transparency_fund_month_mark")),
    )
    op.execute("INSERT INTO transparency_fund_month_mark (id, posting_id) VALUES (1, 0)")


def downgrade():
    op.drop_table("transparency_fund_month_mark")
    op.drop_index(op.f("ix_transparency_fund_month_fund_id"), table_name="transparency_fund_month")
    op.drop_table("transparency_fund_month")
