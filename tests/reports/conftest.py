"""A hand-built world for the reports: a volunteer team whose hours came every way there is (attendance,
an approved report, an imported row, a report from 100 days ago), with hours that must not count (a
rejected report, a reversed one, hours given to family), and a charity whose funds took gifts, one of
them refunded in full."""
from __future__ import annotations

from datetime import timedelta

import pytest

from marketplace.funds import service as funds
from marketplace.orgs.models import Membership
from marketplace.payments import offline
from marketplace.payments import service as payments
from marketplace.platform.extensions import db
from marketplace.platform.timeutil import local_today
from marketplace.timebank.activities import service
from marketplace.timebank.hours import reports, savings
from marketplace.timebank.imports import service as imports
from tests.payments.test_offline import slip
from tests.timebank.conftest import (  # noqa: F401  (fixtures)
    attend,
    capped,
    create_activity,
    import_for,
    report_for,
    served_day,
    team,
)
from tests.timebank.test_savings import PDF, upload

OLD_DAYS = 100


class World:
    pass


@pytest.fixture
def hours_world(team, attend, report_for, import_for, create_user):  # noqa: F811
    """team.org's hours: 阿明 60 (attendance), 小白 90 (attendance, report), 陈姐 60 (import), 二妹 90
    (a report 100 days ago), 丁叔 none; 陈姐's rejected report, 阿明's reversed one and 阿明's gift to
    陈姐 do not count."""
    w = World()
    w.team = team
    w.a, w.b, w.c, w.d, w.e = (create_user(display_name=name, email=f"{key}@example.org")
                               for key, name in (("a", "阿明"), ("b", "小白"), ("c", "陈姐"), ("d", "丁叔"),
                                                 ("e", "二妹")))
    db.session.add_all(Membership(organisation_id=team.org.id, user_id=v.id, role="member")
                       for v in (w.a, w.b, w.c, w.d, w.e))
    db.session.commit()
    for attendance_id in attend([w.a, w.b]):
        service.approve_attendance(attendance_id, team.coordinator)
    reports.approve_report(report_for(w.b, 30), team.coordinator)
    reports.reject_report(report_for(w.c, 45), team.coordinator, "没有证明")
    reversed_id = report_for(w.a, 20)
    reports.approve_report(reversed_id, team.coordinator)
    reports.reverse_report(reversed_id, team.coordinator, "重复申报")
    imports.confirm_import(team.coordinator, import_for([w.c], 60))
    savings.give_hours(w.a, w.c.email, 30, key="family")
    w.old_day = local_today() - timedelta(days=OLD_DAYS)
    old = reports.submit_report(w.e, team.org.id, w.old_day, 90, "百日前的探访", upload(PDF, "证明.pdf"))
    reports.approve_report(old.id, team.coordinator)
    w.served_day = served_day()
    return w


@pytest.fixture
def gifts_world(create_user, create_org):
    """A charity (staff 会计小王) with two funds: 综合基金 took ¥100 and ¥50 (refunded in full), 助学基金 ¥20."""
    w = World()
    w.staff, w.outsider = create_user(display_name="会计小王"), create_user()
    w.org = create_org("charity", {w.staff: "staff"}, name_zh="广州慈善会", name_en="GZ Charity")
    w.general = funds.create_fund(w.staff, w.org, kind="general", name_zh="综合基金", name_en="General Fund",
                                  purpose="帮助困难家庭")
    w.school = funds.create_fund(w.staff, w.org, kind="general", name_zh="助学基金", name_en="School Fund",
                                 purpose="助学")
    today = local_today()
    w.gift_day, w.refund_day = today - timedelta(days=10), today

    def give(fund, amount_fen, day):
        return offline.record_gift(w.staff, w.org, fund_id=fund.id, method="bank", amount_fen=amount_fen,
                                   received_on=day, evidence=slip(), payer_name="爱心人士")

    give(w.general, 10_000, w.gift_day)
    refunded = give(w.general, 5_000, w.gift_day)
    give(w.school, 2_000, today)
    payments.apply_refund(refunded, refunded.amount_fen)
    db.session.commit()
    return w
