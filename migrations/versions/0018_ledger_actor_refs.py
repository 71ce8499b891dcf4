"""ledger hash scheme 2: entries name their actor by a salted reference, not a user id

Revision ID: 0018_ledger_actor_refs
Revises: 0017_canonical_emails
Create Date: 2026-12-07 00:00:00.000000

`ledger_entry` gains `hash_scheme` (existing rows 1, as they were hashed; new rows 2) and
`actor_salt` (a private random salt; NULL for scheme 1 and for entries nobody posted). Scheme 2 hashes
`actor_ref = sha256(salt|actor_id)` instead of `actor_id`, so the open data need not carry staff user
ids (marketplace/ledger/chain.py). No row is rewritten: the table is append-only and old hashes stay.
On PostgreSQL `ledger_write_entry` (0009) takes the scheme and the salt and stores them.
"""
import importlib.util
from pathlib import Path

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0018_ledger_actor_refs'
down_revision = '0017_canonical_emails'
branch_labels = None
depends_on = None

OLD_ARGS = ("text, text, text, date, timestamptz, integer, bigint, smallint, text, text, integer[], "
            "bigint[], integer[], bigint[], smallint[], boolean[], boolean[]")
NEW_ARGS = OLD_ARGS + ", smallint, text"
# 0009's function, with two more arguments whose values it stores in the new columns
EDITS = (
    ("            p_move_multi boolean[],\n",
     "            p_move_multi boolean[], p_scheme smallint, p_salt text,\n"),
    ("reverses_id, lane, seq, prev_hash, hash)",
     "reverses_id, lane, seq, prev_hash, hash, hash_scheme, actor_salt)"),
    ("entry_prev, entry_hash)",
     "entry_prev, entry_hash, p_scheme, p_salt)"),
)


def upgrade():
    # plain ADD COLUMN (no batch copy of the table, which would drop SQLite's append-only triggers)
    op.add_column('ledger_entry', sa.Column('hash_scheme', sa.SmallInteger(), server_default='1', nullable=False))
    op.add_column('ledger_entry', sa.Column('actor_salt', sa.String(length=32), nullable=True))
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(f'DROP FUNCTION ledger_write_entry({OLD_ARGS})')
        op.execute(_new_function())


def downgrade():
    # Scheme 2 entries cannot be checked once their salt is gone: refuse rather than lose it.
    if op.get_bind().scalar(sa.text('SELECT count(*) FROM ledger_entry WHERE hash_scheme <> 1')):
        raise RuntimeError('ledger entries of hash scheme 2 exist; their salts would be lost')
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(f'DROP FUNCTION ledger_write_entry({NEW_ARGS})')
        op.execute(_revision_0009().WRITE_ENTRY)
    op.drop_column('ledger_entry', 'actor_salt')
    op.drop_column('ledger_entry', 'hash_scheme')


def _new_function() -> str:
    body = _revision_0009().WRITE_ENTRY
    for old, new in EDITS:
        assert body.count(old) == 1, old
        body = body.replace(old, new)
    return body


def _revision_0009():
    """Load revision 0009, whose function this one extends (and the downgrade puts back)."""
    spec = importlib.util.spec_from_file_location('ledger_0009', Path(__file__).with_name('0009_ledger_period_lock.py'))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
