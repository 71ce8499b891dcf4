"""hour claims are named hour reports

Revision ID: 0016_hour_reports
Revises: 0015_state_changes
Create Date: 2026-12-06 20:00:00.000000

"Claim" meant two things: a donor's claim on a wish, and a volunteer's claim of hours served
offline. The second is now an hour report: table `hour_claim` becomes `hour_report` (its indexes
and constraints follow) and `spot_check_item.claim_id` becomes `report_id`. No row changes; the
ledger keeps the stored kind `hours.claim`.
"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0016_hour_reports'
down_revision = '0015_state_changes'
branch_labels = None
depends_on = None

INDEXES = ("organisation_id", "status", "user_id")
CONSTRAINTS = ("pk_{t}", "ck_{t}_status_known", "ck_{t}_minutes_positive", "fk_{t}_entry_id_ledger_entry",
               "fk_{t}_organisation_id_organisation", "fk_{t}_reviewed_by_id_user_account",
               "fk_{t}_user_id_user_account")


def _rename(old: str, new: str, old_column: str, new_column: str) -> None:
    op.rename_table(old, new)
    postgres = op.get_context().dialect.name == "postgresql"
    for column in INDEXES:
        if postgres:
            op.execute(f"ALTER INDEX ix_{old}_{column} RENAME TO ix_{new}_{column}")
        else:
            op.drop_index(f"ix_{old}_{column}", table_name=new)
            op.create_index(f"ix_{new}_{column}", new, [column])
    if postgres:
        op.execute(f"ALTER SEQUENCE {old}_id_seq RENAME TO {new}_id_seq")
        for name in CONSTRAINTS:
            op.execute(f"ALTER TABLE {new} RENAME CONSTRAINT {name.format(t=old)} TO {name.format(t=new)}")
        op.execute(f"ALTER TABLE spot_check_item RENAME CONSTRAINT fk_spot_check_item_{old_column}_{old} "
                   f"TO fk_spot_check_item_{new_column}_{new}")
    with op.batch_alter_table("spot_check_item", schema=None) as batch_op:
        batch_op.alter_column(old_column, new_column_name=new_column)


def upgrade():
    _rename("hour_claim", "hour_report", "claim_id", "report_id")


def downgrade():
    _rename("hour_report", "hour_claim", "report_id", "claim_id")
