"""Overdue referrals escalate to the district's officers, once, with a notification and an action."""
from sqlalchemy import func, select

from marketplace.notifications.models import Notification
from marketplace.platform.extensions import db
from marketplace.referrals import escalation
from marketplace.referrals.models import DistrictOfficer, ReferralAction
from tests.referrals.lights_helpers import running


def _notes(user) -> int:
    return db.session.scalar(select(func.count()).select_from(Notification).where(
        Notification.user_id == user.id, Notification.kind == "referral_escalated"))


def test_an_overdue_referral_escalates_once_to_the_district_officer(care):
    late = running(care, care.home, due_in_days=-1)
    running(care, care.family, due_in_days=3)  # not due yet
    assert escalation.escalate_overdue() == 1
    db.session.refresh(late)
    assert late.escalated_at is not None
    assert _notes(care.officer) == 1
    actions = db.session.scalars(select(ReferralAction).where(ReferralAction.referral_id == late.id)).all()
    assert [a.kind for a in actions] == ["escalation"]
    assert escalation.escalate_overdue() == 0  # already escalated: nobody is told twice
    assert _notes(care.officer) == 1


def test_every_officer_of_the_district_is_told_and_emailed(care, create_user, mailbox):
    second = create_user(display_name="副督导")
    db.session.add(DistrictOfficer(user_id=second.id, district_id=1))
    db.session.commit()
    second.locale = "zh_CN"
    db.session.commit()
    late = running(care, care.home, due_in_days=-2, accepted=False)
    assert escalation.escalate_overdue() == 1
    assert _notes(care.officer) == 1 and _notes(second) == 1
    mailed = {message.to[0]: message.body for message in mailbox.messages}
    assert f"Referral {late.public_code} is 2 day(s) overdue" in mailed[care.officer.email]
    assert f"转介 {late.public_code} 已超期 2 天" in mailed[second.email]
    assert "/referrals/escalations" in mailed[second.email]


def test_the_command_and_the_escalations_page(care, app, client, auth):
    late = running(care, care.home, due_in_days=-3)
    result = app.test_cli_runner().invoke(args=["referrals", "escalate"])
    assert "Escalated 1 overdue referral(s)." in result.output
    auth.login(care.officer.email)
    page = client.get("/referrals/escalations")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert f'data-referral="{late.id}"' in html and "3 days" in html
    assert "送餐" not in html  # the need's description is a referral note, not for lists
    auth.login(care.volunteer.email)
    assert client.get("/referrals/escalations").status_code == 403


def test_the_workers_round_escalates_too(care):
    from marketplace.platform import worker

    running(care, care.home, due_in_days=-1)
    assert worker.sweep() == 1
    assert _notes(care.officer) == 1


def test_a_referral_sent_back_and_dispatched_again_escalates_again_when_late_again(care):
    from marketplace.referrals import dispatch

    late = running(care, care.home, due_in_days=-1, accepted=False)
    assert escalation.escalate_overdue() == 1
    sent = dispatch.dispatches_of(late)[0]
    dispatch.decline(care.helper_staff, sent.id, "没有人手")  # back to dispatch, then sent again
    dispatch.dispatch(care.station.worker, late.id, [care.charity.id])
    db.session.refresh(late)
    assert late.escalated_at is None and late.due_at > late.status_changed_at  # a new due date
    late.due_at = late.status_changed_at  # and it passes again
    db.session.commit()
    assert escalation.escalate_overdue() == 1
    assert _notes(care.officer) == 2
