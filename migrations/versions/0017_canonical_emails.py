"""emails stored in their one canonical spelling

Revision ID: 0017_canonical_emails
Revises: 0016_hour_reports
Create Date: 2026-12-06 23:50:00.000000

Spellings that reach one mailbox (fullwidth letters, the ideographic full stops 。．｡, capitals,
spaces) are one account: every stored email is rewritten in canonical form (NFKC, full stops as dots,
stripped, casefolded), so the unique index on `user_account.email` holds on that form. When two
accounts would end up with the same address the upgrade stops, changing nothing, and names them: an
admin decides which to keep (deactivate or re-address the other) and runs it again. Invitations'
addresses are rewritten the same way. Rows were already stored in email_validator's normal form, which
the code still applies before these steps.
"""
import unicodedata

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0017_canonical_emails'
down_revision = '0016_hour_reports'
branch_labels = None
depends_on = None

FULL_STOPS = str.maketrans({"\u3002": ".", "\uff0e": ".", "\uff61": "."})


def canonical(email: str) -> str:
    """The spelling of marketplace.auth.service.normalise_email as of this revision (kept here, frozen)."""
    return unicodedata.normalize("NFKC", email).translate(FULL_STOPS).strip().casefold()


def upgrade():
    connection = op.get_bind()
    users = sa.table("user_account", sa.column("id", sa.Integer), sa.column("email", sa.String))
    rows = connection.execute(sa.select(users.c.id, users.c.email).order_by(users.c.id)).all()
    owners: dict[str, list] = {}
    for user_id, email in rows:
        owners.setdefault(canonical(email), []).append((user_id, email))
    collisions = {key: found for key, found in owners.items() if len(found) > 1}
    if collisions:
        lines = [f"  {key}: " + ", ".join(f"account {user_id} ({email!r})" for user_id, email in found)
                 for key, found in sorted(collisions.items())]
        raise RuntimeError("These accounts share one email once spelt canonically; keep one of each group "
                           "(change or deactivate the others), then upgrade again:\n" + "\n".join(lines))
    for key, ((user_id, email),) in owners.items():
        if key != email:
            connection.execute(users.update().where(users.c.id == user_id).values(email=key))
    # an invitation is accepted by the account whose email equals its own, so both use one spelling
    invitations = sa.table("invitation", sa.column("id", sa.Integer), sa.column("email", sa.String))
    for invitation_id, email in connection.execute(sa.select(invitations.c.id, invitations.c.email)).all():
        if canonical(email) != email:
            connection.execute(invitations.update().where(invitations.c.id == invitation_id)
                               .values(email=canonical(email)))


def downgrade():
    pass  # the canonical spelling reaches the same mailboxes; there is nothing to put back
