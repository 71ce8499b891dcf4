"""Demo agreements and messages in the volunteer team's exchange (after `posts_demo`): the elderly member's
phone lesson done and confirmed (the coordinator acting for her, endorsements both ways), her clinic visit agreed
and approved for next Tuesday, a proposal still waiting for the coordinator's answer, and a conversation about
the visit in which a phone number stays hidden until both agree to share. Every step goes through the services,
as a person's clicks would; only the lesson's time is set a week back, as if the week had passed."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from marketplace.auth.models import User
from marketplace.exchanges import agreements, endorsements, talk
from marketplace.exchanges.models import ExchangeAgreement, ExchangeMember, ExchangePost
from marketplace.platform.extensions import db
from marketplace.platform.timeutil import day_start, local_today


def _member(local: str, domain: str) -> tuple[User, ExchangeMember] | None:
    user = db.session.scalar(select(User).where(User.email == f"{local}@{domain}"))
    member = user and db.session.scalar(select(ExchangeMember).where(ExchangeMember.user_id == user.id)
                                        .order_by(ExchangeMember.id))
    return (user, member) if member is not None else None


def _post(member: ExchangeMember, category: str) -> ExchangePost | None:
    return db.session.scalar(select(ExchangePost).where(ExchangePost.member_id == member.id,
                                                        ExchangePost.category == category))


def _next(weekday: int, hour: int):
    """The next such weekday (0 Monday) at `hour` o'clock, local time, at least a day ahead."""
    today = local_today()
    ahead = (weekday - today.weekday()) % 7 or 7
    return day_start(today + timedelta(days=ahead)) + timedelta(hours=hour)


def seed_exchange_agreements(domain: str) -> int:
    """Add the demo agreements and conversation if missing; return how many records were added."""
    found = [_member(local, domain) for local in ("volunteer", "coordinator", "grandma")]
    if any(f is None for f in found) or db.session.scalar(select(ExchangeAgreement.id).limit(1)):
        return 0
    (volunteer, v), (coordinator, c), (grandma, g) = found
    lesson, clinic, repairs = _post(v, "teaching"), _post(g, "health_escort"), _post(c, "repairs")
    if lesson is None or clinic is None or repairs is None:
        return 0
    # last week's phone lesson: asked for her by the coordinator, approved (her first exchanges), done, confirmed
    done = agreements.propose(coordinator, g, lesson, _next(5, 15), 60, "想学微信视频，和孙女通话。")
    agreements.accept(volunteer, v, done.code)
    agreements.approve(coordinator, done.code, "王阿姨第一次参加，已电话确认。")
    done.starts_at -= timedelta(days=8)  # as if the week had passed (the lesson was at most 7 days ahead)
    db.session.commit()
    agreements.claim(volunteer, v, done.code, 60, "教会了微信视频和语音。")
    agreements.confirm(coordinator, g, done.code)
    endorsements.endorse(coordinator, g, done.code, "小张很耐心，一步一步教。")
    endorsements.endorse(volunteer, v, done.code, "王阿姨学得很认真。")
    # next Tuesday's clinic visit: offered by the volunteer, accepted for her, approved by the coordinator
    visit = agreements.propose(volunteer, v, clinic, _next(1, 9), 120, "我周二上午有空，可以陪您去。")
    agreements.accept(coordinator, g, visit.code)
    agreements.approve(coordinator, visit.code, "")
    # the volunteer asks the coordinator to fix a lamp: waiting for his answer
    agreements.propose(volunteer, v, repairs, _next(5, 10), 60, "Kitchen light flickers; Saturday morning?")
    # a conversation about the visit: her number stays hidden until both agree to share
    conversation = talk.start_or_open(volunteer, v, clinic)
    talk.send(volunteer, v, conversation, "王阿姨，周二早上八点半我在您楼下等您，好吗？")
    talk.send(coordinator, g, conversation, "好的，谢谢你！我的电话是 138 0013 8000，到了打给我。")
    db.session.commit()
    return 5
