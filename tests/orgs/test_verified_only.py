"""Only verified organisations take money: an unverified one cannot open public funds, publish wishes or
needs, or take gifts online or offline; each refusal says why."""
import io
from datetime import date

import pytest
from werkzeug.datastructures import FileStorage

from marketplace.funds import service as funds
from marketplace.payments import offline
from marketplace.payments import service as giving
from marketplace.payments.models import Donation
from marketplace.platform.errors import Conflict
from marketplace.platform.extensions import db
from marketplace.platform.timeutil import local_today
from marketplace.wishes import beneficiaries
from marketplace.wishes import service as wishes
from tests.files import PDF


@pytest.fixture
def unverified(create_user, create_org):
    """A charity the platform verified once (with a fund) and then unverified, with two staff and a donor."""
    staff, checker, donor = create_user(), create_user(), create_user()
    org = create_org("charity", {staff: "staff", checker: "staff"}, name_zh="假慈善会", name_en="Fake Charity")
    fund = funds.create_fund(staff, org, kind="general", name_zh="基金", name_en="Fund")
    org.is_verified = False
    db.session.commit()
    return org, fund, staff, checker, donor


def test_an_unverified_organisation_cannot_open_a_fund(unverified):
    org, _fund, staff, _checker, _donor = unverified
    with pytest.raises(Conflict, match="not verified"):
        funds.create_fund(staff, org, kind="general", name_zh="新基金", name_en="New Fund")


def test_an_unverified_organisation_takes_no_gift_online_or_offline(unverified):
    org, fund, staff, _checker, donor = unverified
    with pytest.raises(Conflict, match="not verified"):
        giving.give_to_fund(donor, fund.public_code, 10_000)
    with pytest.raises(Conflict, match="not verified"):
        offline.record_gift(staff, org, fund_id=fund.id, method="bank", amount_fen=10_000, received_on=local_today(),
                            evidence=FileStorage(io.BytesIO(PDF), filename="s.pdf"), payer_name="某人")
    db.session.rollback()
    assert db.session.query(Donation).count() == 0


def test_an_unverified_organisation_cannot_publish_a_wish(unverified):
    org, _fund, staff, checker, _donor = unverified
    household = beneficiaries.register_beneficiary(
        staff, org, pseudonym="青禾1", district_id=1, category="elderly_alone", age_band="80+", full_name="某人",
        consent_on=date(2026, 1, 5), consent_scope="发布")
    beneficiaries.verify_beneficiary(checker, household.id)
    wish = wishes.create_listing(staff, household.id, kind="wish", title="棉被", value_fen=20_000)
    wishes.transition(staff, wish.id, "submitted")
    wishes.transition(checker, wish.id, "verified")
    with pytest.raises(Conflict, match="not verified"):
        wishes.transition(checker, wish.id, "published")
