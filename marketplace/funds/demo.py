"""Demo funds: the charity's general, community and named funds, gifts online (demo provider) and by
bank transfer, a paid disbursement, and the firm on the leaderboard. Every name here is invented."""
from __future__ import annotations

import io

from pypdf import PdfWriter
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from marketplace.auth.models import User
from marketplace.firms import service as firms
from marketplace.funds import disbursements, service
from marketplace.funds.models import Fund
from marketplace.orgs.models import Organisation
from marketplace.payments import demo_provider, offline
from marketplace.payments import service as giving
from marketplace.platform.extensions import db
from marketplace.platform.timeutil import local_today

CHARITY = "Guangzhou Goodheart Charity"
FIRM = "Tianhe Warm Meals Co., Ltd."


def _file(name: str) -> FileStorage:
    """A one-page blank PDF: uploads are parsed, so the demo's evidence must be a real PDF."""
    writer, out = PdfWriter(), io.BytesIO()
    writer.add_blank_page(width=595, height=842)
    writer.write(out)
    return FileStorage(io.BytesIO(out.getvalue()), filename=name)


def seed_funds(domain: str) -> int:
    """Add the demo funds and gifts if missing; return how many funds were added."""
    charity = db.session.scalar(select(Organisation).where(Organisation.name_en == CHARITY))
    firm_org = db.session.scalar(select(Organisation).where(Organisation.name_en == FIRM))
    users = {local: db.session.scalar(select(User).where(User.email == f"{local}@{domain}"))
             for local in ("staff", "donor", "firm", "orgadmin")}
    if charity is None or firm_org is None or None in users.values():
        return 0
    if db.session.scalar(select(Fund.id).where(Fund.organisation_id == charity.id)) is not None:
        return 0
    staff, donor, firm_admin = users["staff"], users["donor"], users["firm"]
    general = service.create_fund(staff, charity, kind="general", name_zh="善心通用基金",
                                  name_en="Goodheart General Fund", purpose="用于机构各项公益服务。")
    community = service.create_fund(staff, charity, kind="community", name_zh="北京街社区慈善基金",
                                    name_en="Beijing Street Community Fund", purpose="社区长者助餐与探访。",
                                    district_id=charity.district_id)
    service.create_fund(staff, charity, kind="named", name_zh="暖心餐饮冠名基金", name_en="Warm Meals Named Fund",
                        purpose="为独居长者提供爱心餐。", named_after=firm_org.name_zh)
    offline.record_gift(staff, charity, fund_id=general.id, method="bank", amount_fen=500_000,
                        received_on=local_today(), evidence=_file("bank-slip.pdf"), payer_name="陈先生",
                        display="masked", reference="ICBC-20261101")
    large = offline.record_gift(staff, charity, fund_id=community.id, method="bank", amount_fen=1_200_000,
                                received_on=local_today(), evidence=_file("bank-slip-firm.pdf"),
                                payer_email=firm_admin.email, firm_id=firm_org.id, display="name")
    offline.confirm_gift(users["orgadmin"], large.id)  # above ¥5,000: a second person confirms it
    gift = giving.give_to_fund(donor, community.public_code, 20_000, display="anonymous", message="一点心意")
    demo_provider.checkout(donor, gift.public_code, "pay")
    disbursements.request_disbursement(staff, community, payee="北京街长者饭堂", purpose="十一月长者助餐",
                                       amount_fen=80_000, evidence_file=_file("invoice.pdf"))
    firms.set_leaderboard(firm_admin, firm_org, True)
    db.session.commit()
    return 3
