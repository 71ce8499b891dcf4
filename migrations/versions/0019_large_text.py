"""large text: each user may ask for larger type on every page

Revision ID: 0019_large_text
Revises: 0018_ledger_actor_refs
Create Date: 2026-12-07 01:00:00.000000

`user_account.is_large_text` (false for everyone already registered) adds a class to each page's root that
scales the type by 125% (static/css/site.css).
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0019_large_text'
down_revision = '0018_ledger_actor_refs'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("user_account", sa.Column("is_large_text", sa.Boolean(), nullable=False,
                                            server_default=sa.false()))


def downgrade():
    with op.batch_alter_table("user_account") as batch_op:
        batch_op.drop_column("is_large_text")
