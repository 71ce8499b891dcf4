"""Each kind of notification is written by the service action that causes it, to the person concerned,
with what they need to read it later; the emails that existed before still go out."""
from __future__ import annotations

from datetime import timedelta

from flask_babel import force_locale

from marketplace.funds import disbursements
from marketplace.notifications import service as notifications
from marketplace.platform.extensions import db
from marketplace.timebank.activities import service as activities
from marketplace.timebank.hours import reports
from marketplace.wishes import cancellations, claims, pledges
from marketplace.wishes import service as wishes
from tests.notifications.conftest import notifications_of


def _last(user):
    return notifications_of(user)[-1]


def test_hours_approved_and_rejected_tell_the_volunteer_with_the_reason(attend, report_for, team, create_user,
                                                                        told):
    volunteer, other = create_user(), create_user()
    [attendance_id] = attend([volunteer])
    activities.approve_attendance(attendance_id, team.coordinator)
    approved = _last(volunteer)
    assert approved.kind == "hours_approved" and approved.params == {"title": "长者探访", "minutes": 60}
    with force_locale("en"):
        assert notifications.text(approved) == "Your hours for “长者探访” were approved: 1 h saved."
    reports.reject_report(report_for(other), team.coordinator, "没有证明")
    rejected = _last(other)
    assert rejected.kind == "hours_rejected" and rejected.params["reason"] == "没有证明"
    with force_locale("zh_CN"):
        assert "没有证明" in notifications.text(rejected) and "帮邻居搬家" in notifications.text(rejected)
    assert told(team.coordinator) == []  # the reviewer is not told of their own decision


def test_signing_up_confirms_and_a_freed_place_tells_the_waitlisted(create_activity, create_user, told, mailbox):
    activity = create_activity(capacity=1)
    first, second = create_user(), create_user(email="second@example.org")
    activities.sign_up(activity.id, first)
    activities.sign_up(activity.id, second)  # waitlisted: nothing to confirm yet
    assert told(first) == ["signup_confirmed"] and told(second) == []
    activities.cancel_signup(activity.id, first)
    assert told(second) == ["waitlist_promoted"]
    assert _last(second).link_args == {"activity_id": activity.id}
    promoted = [m for m in mailbox.messages if m.to == ["second@example.org"]]
    assert len(promoted) == 1 and "You have a place" in promoted[0].subject  # the email kept its words


def test_a_shift_reminder_is_a_notification_and_its_email(create_activity, create_user, told, mailbox):
    volunteer = create_user(email="soon@example.org")
    activities.sign_up(create_activity(starts_in=timedelta(hours=20)).id, volunteer)
    assert activities.send_reminders() == 1
    assert told(volunteer) == ["signup_confirmed", "shift_reminder"]
    assert mailbox.messages[-1].subject.startswith("Reminder:") and "天河区某街道" in mailbox.messages[-1].body


def test_a_wish_claimed_delivered_and_thanked_tells_the_author_then_the_donor(station, create_listing, told,
                                                                              mailbox):
    wish = create_listing()
    claims.claim_wish(wish.id, station.donor)
    assert told(station.worker) == ["wish_claimed"] and told(station.donor) == []
    assert _last(station.worker).params["title"] == "冬天的棉被"
    wishes.confirm_delivery(station.checker, wish.id)
    wishes.write_thanks(station.worker, wish.id, "谢谢好心人")
    assert told(station.donor) == ["wish_delivered", "wish_thanked"]
    thanks = [m for m in mailbox.messages if m.to == [station.donor.email] and "thank-you" in m.subject]
    assert len(thanks) == 1 and "谢谢好心人" in thanks[0].body


def test_an_expired_or_cancelled_claim_tells_the_claimant(station, create_listing, create_user, told):
    wish = create_listing()
    claim = claims.claim_wish(wish.id, station.donor)
    claims.expire_claims(now=claim.deadline_at + timedelta(minutes=1))
    assert told(station.donor) == ["claim_expired"]
    other = create_listing(title="助听器")
    claims.claim_wish(other.id, station.donor)
    wishes.transition(station.worker, other.id, "withdrawn", note="家属已购买")
    assert told(station.donor) == ["claim_expired", "claim_cancelled"]
    assert cancellations  # (a listing holding money is cancelled by two staff instead; see tests/wishes)


def test_a_need_covered_by_pledges_tells_its_author_and_pledgers_once(station, create_listing, told):
    need = create_listing(kind="household_need")
    pledges.pledge(need.id, station.donor, 600_000)
    assert told(station.donor) == [] and told(station.worker) == []
    pledges.pledge(need.id, station.firm_member, 400_000, organisation_id=station.firm.id)
    for person in (station.worker, station.donor, station.firm_member):
        assert told(person) == ["need_funded"], person.display_name
    assert _last(station.donor).params == {"title": need.title, "amount_fen": 1_000_000}


def test_a_need_covered_by_gifts_tells_its_author(station, create_listing, give, told):
    from marketplace.funds.service import restricted_fund_for

    need = create_listing(kind="household_need")
    fund = restricted_fund_for(need)
    db.session.commit()
    give(fund, 400_000, listing=need)
    assert told(station.worker) == []
    give(fund, 600_000, listing=need)
    assert told(station.worker) == ["need_funded"]


def test_a_receipt_is_ready_and_its_email_goes_whatever_the_choices(station, create_fund, create_user, told,
                                                                     mailbox):
    from marketplace.payments.completion import complete
    from marketplace.payments.models import Donation

    donor = create_user(email="giver@example.org")
    notifications.set_email_choices(donor, {kind: False for kind in notifications.choosable()})
    fund = create_fund(0)
    donation = Donation(fund_id=fund.id, donor_id=donor.id, amount_fen=12_345, provider="demo")
    db.session.add(donation)
    db.session.flush()
    complete(donation)
    db.session.commit()
    assert told(donor) == ["receipt_ready"]
    assert _last(donor).params == {"number": donation.receipt_no, "amount_fen": 12_345}
    [receipt] = [m for m in mailbox.messages if m.to == ["giver@example.org"]]
    assert receipt.attachments and donation.receipt_no in receipt.subject


def test_an_approved_disbursement_tells_its_requester(station, create_fund, upload, told):
    fund = create_fund(200_000)
    waiting = disbursements.request_disbursement(station.worker, fund, payee="五金店", purpose="修屋顶",
                                                 amount_fen=100_001, evidence_file=upload())
    assert told(station.worker) == []
    disbursements.approve_disbursement(station.checker, waiting.id)
    assert told(station.worker) == ["disbursement_approved"] and told(station.checker) == []
    assert _last(station.worker).params == {"amount_fen": 100_001, "payee": "五金店"}
