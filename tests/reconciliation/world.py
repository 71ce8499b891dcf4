"""Reconciliation test world: a charity with staff, a fund, real gifts through the payment services,
and statement CSVs written the way Stripe and Chinese banks write them."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from marketplace.funds import service as funds
from marketplace.payments import offline, service
from marketplace.payments.models import Donation
from marketplace.platform.extensions import db
from tests.files import PDF as REAL_PDF

SLIP = REAL_PDF  # uploads are parsed: a real one-page PDF
STRIPE_HEADER = ["id", "Type", "Source", "Amount", "Fee", "Net", "Currency", "Created (UTC)", "Available On (UTC)",
                 "Description", "Transfer"]


@dataclass
class World:
    org: object
    fund: object
    staff: object
    admin: object
    donor: object
    outsider: object
    other_staff: object
    other_org: object
    donations: list = field(default_factory=list)


def build(create_user, create_org) -> World:
    staff, admin, donor = create_user(display_name="会计小王"), create_user(admin=True), create_user()
    outsider, other_staff = create_user(), create_user()
    org = create_org("charity", {staff: "staff"}, name_zh="广州慈善会", name_en="GZ Charity")
    other_org = create_org("charity", {other_staff: "staff"}, name_zh="别的机构", name_en="Other Charity")
    fund = funds.create_fund(staff, org, kind="general", name_zh="综合基金", name_en="General Fund",
                             purpose="帮助困难家庭")
    return World(org, fund, staff, admin, donor, outsider, other_staff, other_org)


def paid_online(world: World, amount_fen: int, fee_fen: int, n: int) -> Donation:
    """A demo gift completed through the payment service, with its charge, payment intent and fee."""
    donation = service.give_to_fund(world.donor, world.fund.public_code, amount_fen)
    service.apply_paid(donation, service.Payment(intent_id=f"pi_test{n}", charge_id=f"ch_test{n}", fee_fen=fee_fen))
    db.session.commit()
    world.donations.append(donation)
    return donation


def bank_gift(world: World, amount_fen: int, received_on: date, reference: str = "") -> Donation:
    return offline.record_gift(world.staff, world.org, fund_id=world.fund.id, method="bank", amount_fen=amount_fen,
                               received_on=received_on, evidence=FileStorage(io.BytesIO(SLIP), filename="slip.pdf"),
                               payer_name="张三", reference=reference)


def stripe_csv(rows: list[list], header=STRIPE_HEADER) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def upload(data: bytes, name: str = "statement.csv") -> FileStorage:
    return FileStorage(io.BytesIO(data), filename=name)


def reconciliation_of(charity, staff, platform_admin=None) -> dict:
    """The route walkers' targets: a saved bank layout of the charity and one statement imported with it, and
    (given a platform admin) a layout of the platform's books."""
    from marketplace.reconciliation import imports, profiles
    from marketplace.reconciliation.books import books_for

    books = books_for(staff, charity.id)
    layout = profiles.save_profile(staff, books, name="工商银行 基本户", date_column="交易日期", date_format="%Y-%m-%d",
                                   amount_column="金额", description_column="摘要", reference_column="交易流水号",
                                   encoding="utf-8")
    data = "交易日期,金额,摘要,交易流水号\n2026-11-02,100.00,转账,HX1\n".encode()
    batch = imports.start_import(staff, books, "bank", upload(data), layout.id)
    ids = {"profile_id": layout.id, "import_id": batch.id}
    from marketplace.reconciliation.models import CorrectionRequest, StatementLine

    line = db.session.scalar(select(StatementLine).where(StatementLine.import_id == batch.id))
    asked = CorrectionRequest(account_id=line.account_id, line_id=line.id, amount_fen=line.amount_fen,
                              reason="不明入账", requested_by_id=staff.id)
    db.session.add(asked)
    db.session.flush()
    ids["request_id"] = asked.id
    if platform_admin is not None:
        ids["platform_profile_id"] = profiles.save_profile(
            platform_admin, books_for(platform_admin, None), name="平台 招商银行", date_column="日期",
            date_format="%Y-%m-%d", amount_column="金额", encoding="utf-8").id
    db.session.commit()
    return ids
