"""Fund objects for the route walkers: a general fund of the charity with money in it and one paid
disbursement (below the approval threshold) whose redacted receipt is published."""
from __future__ import annotations

import io

from werkzeug.datastructures import FileStorage

from marketplace.funds import disbursements, service
from marketplace.payments import demo_provider, offline
from marketplace.payments import service as giving
from marketplace.payments.completion import complete
from marketplace.payments.models import Donation
from marketplace.platform.extensions import db
from marketplace.platform.timeutil import local_today
from tests.files import PDF as REAL_PDF

PDF = REAL_PDF  # uploads are parsed: a real one-page PDF


def pdf(name: str = "receipt.pdf") -> FileStorage:
    return FileStorage(io.BytesIO(PDF), filename=name)


def funds_of(charity, staff, donor=None, firm=None) -> dict:
    """Return fund_code and disbursement_id of the charity's general fund (¥5,000 given, ¥100 paid out),
    donation_id of a large cash gift waiting for a second staff member, donation_code of `donor`'s
    bank transfer (with its receipt) and firm_id."""
    fund = service.create_fund(staff, charity, kind="general", name_zh="社区关爱基金", name_en="Care Fund")
    donation = Donation(fund_id=fund.id, amount_fen=500_000, provider="bank")
    db.session.add(donation)
    db.session.flush()
    complete(donation)
    db.session.commit()
    paid = disbursements.request_disbursement(staff, fund, payee="五金店", purpose="修门", amount_fen=10_000,
                                              evidence_file=pdf())
    disbursements.publish_receipt(staff, paid.id, pdf("redacted.pdf"))
    cash = offline.record_gift(staff, charity, fund_id=fund.id, method="cash", amount_fen=900_000,
                               received_on=local_today(), evidence=pdf("cash.pdf"), payer_name="王先生")
    gift = offline.record_gift(staff, charity, fund_id=fund.id, method="bank", amount_fen=10_000,
                               received_on=local_today(), evidence=pdf("bank.pdf"), payer_name="李女士")
    if donor is not None:  # given online through the demo checkout, so it has its receipt
        gift = giving.give_to_fund(donor, fund.public_code, 10_000)
        demo_provider.checkout(donor, gift.public_code, "pay")
    return {"fund_code": fund.public_code, "disbursement_id": paid.id, "disbursement_code": paid.public_code,
            "donation_id": cash.id,
            "donation_code": gift.public_code, "firm_id": firm.id if firm is not None else 1}
