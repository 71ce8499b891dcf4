"""Tables for bulk imports of offline hours: a batch and its checked rows."""
from __future__ import annotations

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.orgs.models import Organisation
from marketplace.platform.extensions import db
from marketplace.platform.states import Machine
from marketplace.platform.timeutil import now_utc
from marketplace.platform.types import BigId, UTCDateTime


class ImportBatch(db.Model):
    """An uploaded sheet of offline hours: rows are checked first, posted only when confirmed."""

    __tablename__ = "import_batch"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    title: Mapped[str] = mapped_column(String(120))
    status: Mapped[str] = mapped_column(String(16), default="checking")  # checking, checked, posting, posted
    machine = Machine("hour_import", "An uploaded sheet of offline hours.", start={
        "checking": "a coordinator uploading a sheet",
    }, moves={
        "checking": {"checked": "the check (at once, or its job)",
                     "failed": "the check failing, or the sweep when its job stopped"},
        "checked": {"posting": "a coordinator confirming it (one click wins)"},
        "posting": {"posted": "the posting (at once, or its job)",
                    "checked": "a posting that failed or whose job stopped (it can be confirmed again)"},
        "failed": {},
        "posted": {},
    }, labels={"checking": _l("Checking the rows"), "checked": _l("Checked: waiting for confirmation"),
               "posting": _l("Posting the valid rows"), "posted": _l("Posted"), "failed": _l("Could not be checked")})
    total_rows: Mapped[int] = mapped_column(Integer, default=0)
    done_rows: Mapped[int] = mapped_column(Integer, default=0)
    valid_rows: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    # why the last check or posting did not finish (a code shown on the progress page), or ""
    problem: Mapped[str] = mapped_column(String(20), default="", server_default="")
    # beaten by the job while it checks or posts; a stale one means its worker died (see imports.sweep)
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    organisation: Mapped[Organisation] = relationship()


class ImportRow(db.Model):
    __tablename__ = "import_row"
    __table_args__ = (UniqueConstraint("batch_id", "row_number", name="uq_import_row_batch_row"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("import_batch.id"), index=True)
    row_number: Mapped[int] = mapped_column(Integer)
    email: Mapped[str] = mapped_column(String(254), default="")
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    served_on: Mapped[date | None] = mapped_column(Date)
    minutes: Mapped[int | None] = mapped_column(Integer)
    description: Mapped[str] = mapped_column(String(300), default="")
    errors: Mapped[list] = mapped_column(JSON, default=list)
    entry_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("ledger_entry.id"))
