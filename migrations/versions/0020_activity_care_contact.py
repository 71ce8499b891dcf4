"""care requests keep where to go and whom to call; trigram indexes for activity word search

Revision ID: 0020_activity_care_contact
Revises: 0019_large_text
Create Date: 2026-12-07 01:20:00.000000

`care_request` gains `address` and `contact` (empty for requests made before): the matched volunteer
sees them while the care is to be given (marketplace/timebank/care/service.py). On PostgreSQL,
`activity.title` and `activity.description` get pg_trgm GIN indexes for the ILIKE word search
(marketplace/platform/search.py). An activity's sign-up deadline already has its column
(`signup_cutoff_at`); the organiser now sets it, so no change is needed there.
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0020_activity_care_contact'
down_revision = '0019_large_text'
branch_labels = None
depends_on = None


def upgrade():
    # plain ADD COLUMN, no batch copy of the table
    op.add_column('care_request', sa.Column('address', sa.String(length=200), server_default='', nullable=False))
    op.add_column('care_request', sa.Column('contact', sa.String(length=100), server_default='', nullable=False))
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('CREATE EXTENSION IF NOT EXISTS pg_trgm')
        op.execute('CREATE INDEX ix_activity_title_trgm ON activity USING gin (title gin_trgm_ops)')
        op.execute('CREATE INDEX ix_activity_description_trgm ON activity USING gin (description gin_trgm_ops)')


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('DROP INDEX IF EXISTS ix_activity_description_trgm')
        op.execute('DROP INDEX IF EXISTS ix_activity_title_trgm')
    with op.batch_alter_table('care_request') as batch_op:
        batch_op.drop_column('contact')
        batch_op.drop_column('address')
