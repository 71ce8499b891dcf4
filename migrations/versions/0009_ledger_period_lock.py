"""ledger period close: the one-call posting refuses closed periods; closes are append-only

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30 05:50:00.000000

The PostgreSQL posting function `ledger_write_entry` (0002) gains a first step: it reads the
accounts' `closed_through` under FOR KEY SHARE locks and answers 'closed' for an entry dated on
or before it (see marketplace/ledger/periods.py for what is guaranteed). `ledger_period_close` is
append-only like the other ledger tables, and `ledger_account.closed_through` never moves back.
"""
import importlib.util
from pathlib import Path

from alembic import op

# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

WRITE_ENTRY_ARGS = ("text, text, text, date, timestamptz, integer, bigint, smallint, text, text, integer[], "
                    "bigint[], integer[], bigint[], smallint[], boolean[], boolean[]")


def upgrade():
    postgresql = op.get_bind().dialect.name == 'postgresql'
    if postgresql:
        op.execute(f'DROP FUNCTION ledger_write_entry({WRITE_ENTRY_ARGS})')
        op.execute(WRITE_ENTRY)
        op.execute("""CREATE TRIGGER ledger_period_close_append_only BEFORE UPDATE OR DELETE ON ledger_period_close
                      FOR EACH ROW EXECUTE FUNCTION goodhours_append_only()""")
        op.execute("""
            CREATE FUNCTION ledger_account_close_forward() RETURNS trigger AS $$
            BEGIN
                IF OLD.closed_through IS NOT NULL
                   AND (NEW.closed_through IS NULL OR NEW.closed_through < OLD.closed_through) THEN
                    RAISE EXCEPTION 'ledger_account.closed_through never moves backwards';
                END IF;
                RETURN NEW;
            END $$ LANGUAGE plpgsql""")
        op.execute("""CREATE TRIGGER ledger_account_close_forward BEFORE UPDATE OF closed_through ON ledger_account
                      FOR EACH ROW EXECUTE FUNCTION ledger_account_close_forward()""")
    else:
        for verb in ('UPDATE', 'DELETE'):
            op.execute(f"""CREATE TRIGGER ledger_period_close_no_{verb.lower()} BEFORE {verb} ON ledger_period_close
                           BEGIN SELECT RAISE(ABORT, 'ledger_period_close is append-only'); END""")
        op.execute("""CREATE TRIGGER ledger_account_close_forward BEFORE UPDATE OF closed_through ON ledger_account
                      WHEN OLD.closed_through IS NOT NULL
                       AND (NEW.closed_through IS NULL OR NEW.closed_through < OLD.closed_through)
                      BEGIN SELECT RAISE(ABORT, 'ledger_account.closed_through never moves backwards'); END""")


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('DROP TRIGGER IF EXISTS ledger_account_close_forward ON ledger_account')
        op.execute('DROP FUNCTION IF EXISTS ledger_account_close_forward()')
        op.execute('DROP TRIGGER IF EXISTS ledger_period_close_append_only ON ledger_period_close')
        op.execute(f'DROP FUNCTION ledger_write_entry({WRITE_ENTRY_ARGS})')
        _revision_0002()._write_entry_function()
    else:
        op.execute('DROP TRIGGER IF EXISTS ledger_account_close_forward')
        op.execute('DROP TRIGGER IF EXISTS ledger_period_close_no_update')
        op.execute('DROP TRIGGER IF EXISTS ledger_period_close_no_delete')


def _revision_0002():
    """Load revision 0002, whose function body the downgrade puts back."""
    spec = importlib.util.spec_from_file_location('ledger_0002', Path(__file__).with_name('0002_ledger.py'))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# 0002's ledger_write_entry with the closed-period step first (and the date it found as an OUT value)
WRITE_ENTRY = """
        CREATE FUNCTION ledger_write_entry(
            p_key text, p_kind text, p_memo text, p_effective date, p_created timestamptz, p_actor integer,
            p_reverses bigint, p_lane smallint, p_head text, p_tail text,
            p_accounts integer[], p_amounts bigint[],
            p_move_accounts integer[], p_move_amounts bigint[], p_move_shards smallint[], p_move_guarded boolean[],
            p_move_multi boolean[],
            OUT status text, OUT entry_id bigint, OUT entry_seq bigint, OUT entry_prev text, OUT entry_hash text,
            OUT short_account integer, OUT short_available bigint, OUT closed_day date)
        LANGUAGE plpgsql AS $$
        DECLARE
            i integer;
            have bigint;
        BEGIN
            status := 'ok';
            -- A closed period refuses the entry. The key-share locks (in id order) wait for a close
            -- holding the account rows FOR UPDATE, so the date read here is the committed one.
            SELECT max(a.closed_through) INTO closed_day
              FROM (SELECT l.closed_through FROM ledger_account l WHERE l.id = ANY(p_accounts)
                    ORDER BY l.id FOR KEY SHARE) AS a;
            IF closed_day >= p_effective THEN
                status := 'closed';
                RETURN;
            END IF;
            closed_day := NULL;
            BEGIN
                FOR i IN 1 .. coalesce(array_length(p_move_accounts, 1), 0) LOOP
                    IF p_move_guarded[i] AND p_move_multi[i] THEN
                        PERFORM 1 FROM ledger_balance WHERE account_id = p_move_accounts[i]
                            ORDER BY shard FOR UPDATE;
                        SELECT sum(posted - held) INTO have FROM ledger_balance
                            WHERE account_id = p_move_accounts[i];
                        IF have + p_move_amounts[i] < 0 THEN
                            short_account := p_move_accounts[i];
                            short_available := have;
                            RAISE EXCEPTION USING ERRCODE = 'GH001';
                        END IF;
                        UPDATE ledger_balance SET posted = posted + p_move_amounts[i]
                            WHERE account_id = p_move_accounts[i] AND shard = 0;
                    ELSIF p_move_guarded[i] THEN
                        UPDATE ledger_balance SET posted = posted + p_move_amounts[i]
                            WHERE account_id = p_move_accounts[i] AND shard = 0
                              AND posted - held + p_move_amounts[i] >= 0;
                        IF NOT FOUND THEN
                            short_account := p_move_accounts[i];
                            SELECT sum(posted - held) INTO short_available FROM ledger_balance
                                WHERE account_id = p_move_accounts[i];
                            RAISE EXCEPTION USING ERRCODE = 'GH001';
                        END IF;
                    ELSE
                        UPDATE ledger_balance SET posted = posted + p_move_amounts[i]
                            WHERE account_id = p_move_accounts[i] AND shard = p_move_shards[i];
                    END IF;
                END LOOP;
                SELECT seq + 1, head_hash INTO entry_seq, entry_prev FROM ledger_chain WHERE lane = p_lane FOR UPDATE;
                entry_hash := encode(sha256(convert_to(
                    entry_prev || E'\\n' || p_head || entry_seq::text || p_tail, 'UTF8')), 'hex');
                UPDATE ledger_chain SET seq = entry_seq, head_hash = entry_hash WHERE lane = p_lane;
                INSERT INTO ledger_entry (idempotency_key, kind, memo, effective_date, created_at, actor_id,
                                          reverses_id, lane, seq, prev_hash, hash)
                    VALUES (p_key, p_kind, p_memo, p_effective, p_created, p_actor, p_reverses, p_lane, entry_seq,
                            entry_prev, entry_hash)
                    RETURNING id INTO entry_id;
                INSERT INTO ledger_posting (entry_id, account_id, amount)
                    SELECT entry_id, a, n FROM unnest(p_accounts, p_amounts) AS t(a, n);
            EXCEPTION
                WHEN SQLSTATE 'GH001' THEN
                    status := 'overdraft';
                    entry_id := NULL;
                WHEN unique_violation THEN
                    status := 'duplicate';
                    entry_id := NULL;
                    short_account := NULL;
            END;
        END $$"""
