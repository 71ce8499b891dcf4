"""Firms fixtures: a verified firm with an admin and a member, a charity with a fund, and helpers
that give money on a firm's behalf and approve hours its members served."""
from __future__ import annotations

import io
from datetime import timedelta

import pytest
from werkzeug.datastructures import FileStorage

from marketplace.funds import service as funds
from marketplace.payments.completion import complete
from marketplace.payments.models import Donation
from marketplace.platform.extensions import db
from marketplace.platform.timeutil import local_today
from marketplace.timebank.hours import reports
from tests.files import PDF as REAL_PDF

SLIP = REAL_PDF  # uploads are parsed: a real one-page PDF


@pytest.fixture
def world(create_user, create_org):
    """.firm (verified) with .boss (admin) and .worker (member); .charity with .fund; a .team of volunteers."""
    boss, worker = create_user(display_name="老板王总"), create_user(display_name="员工张三")
    staff, coordinator = create_user(), create_user()
    firm = create_org("firm", {boss: "admin", worker: "member"}, name_zh="爱心科技公司", name_en="Kind Tech")
    charity = create_org("charity", {staff: "staff"}, name_zh="广州慈善会", name_en="GZ Charity")
    team = create_org("volunteer_team", {coordinator: "coordinator"}, name_zh="天河义工队", name_en="Tianhe Team")
    fund = funds.create_fund(staff, charity, kind="general", name_zh="综合基金", name_en="General Fund")

    class World:
        pass

    w = World()
    w.firm, w.boss, w.worker, w.charity, w.fund, w.team, w.coordinator = (
        firm, boss, worker, charity, fund, team, coordinator)
    return w


@pytest.fixture
def give():
    """give(fund, firm, amount_fen, donor=None, status="completed"): a gift on a firm's behalf."""

    def make(fund, firm, amount_fen, donor=None, status="completed"):
        donation = Donation(fund_id=fund.id, organisation_id=firm.id if firm else None, amount_fen=amount_fen,
                            donor_id=donor.id if donor else None, provider="demo")
        db.session.add(donation)
        db.session.flush()
        if status == "completed":
            complete(donation)
        else:
            donation.status = status
        db.session.commit()
        return donation

    return make


@pytest.fixture
def serve(world):
    """serve(volunteer, minutes, days_ago=1): an approved report of hours served for the team."""

    def make(volunteer, minutes, days_ago=1):
        evidence = FileStorage(stream=io.BytesIO(SLIP), filename="proof.pdf")
        report = reports.submit_report(volunteer, world.team.id, local_today() - timedelta(days=days_ago), minutes,
                                    "社区清洁", evidence)
        return reports.approve_report(report.id, world.coordinator)

    return make
