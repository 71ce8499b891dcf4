"""Demo members, offers and requests of the volunteer team's neighbour exchange, in Chinese and in English: the
volunteer and the coordinator join; the coordinator joins the elderly member (who has no phone) and posts a
request for her. Every name is invented. Everything goes through the services, as a person's clicks would."""
from __future__ import annotations

from sqlalchemy import select

from marketplace.auth.models import User
from marketplace.exchanges import matching, members, posts
from marketplace.exchanges.models import ExchangeMember
from marketplace.orgs.models import Membership
from marketplace.platform.extensions import db
from marketplace.platform.timeutil import local_today

# who posts (local part of the email), kind, title, category, place, when, minutes, details
POSTS = [
    ("volunteer", "offer", "教长者用智能手机：微信视频、网上挂号", "teaching", "outside", "周末下午", 60,
     "在社区活动室，一对一慢慢教。"),
    ("volunteer", "offer", "Help with English forms and letters", "translation", "online", "Weekday evenings", 45,
     "Bank letters, school forms, hospital papers."),
    ("coordinator", "offer", "修理小家电、换灯泡", "repairs", "home", "周六上午", 60, "自带工具。"),
    ("grandma", "request", "陪我去社区医院复诊", "health_escort", "outside", "周二上午", 120,
     "走路慢，需要有人陪着排队拿药。"),
    ("grandma", "request", "Someone to chat with on Sunday afternoons", "companionship", "home", "Sundays", 60,
     "I like Cantonese opera and old films."),
]


def _user(local: str, domain: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == f"{local}@{domain}"))


def seed_exchange_posts(domain: str) -> int:
    """Add the demo exchange of the volunteer team if missing; return how many records were added."""
    people = {local: _user(local, domain) for local in ("volunteer", "coordinator", "grandma")}
    if any(user is None for user in people.values()):
        return 0
    team = db.session.scalar(select(Membership).where(Membership.user_id == people["volunteer"].id)
                             .order_by(Membership.id))
    if team is None or db.session.scalar(select(ExchangeMember.id).where(
            ExchangeMember.user_id == people["volunteer"].id)):
        return 0
    org, year, coordinator = team.organisation, local_today().year, people["coordinator"]
    district = org.district_id or 1
    joined = {
        "volunteer": members.join(people["volunteer"], org, year - 29, district, "喜欢教人用手机。"),
        "coordinator": members.join(coordinator, org, year - 46, district, "团队协调员，会修小电器。"),
        "grandma": members.join(coordinator, org, year - 81, district, "爱听粤剧，一个人住。",
                                user=people["grandma"]),
    }
    for local, kind, title, category, place, when, minutes, body in POSTS:
        by = coordinator if local == "grandma" else people[local]  # she has no phone: the coordinator posts for her
        posts.create(by, joined[local], kind, title, body, category, district, place, when, minutes)
    matching.choose(people["volunteer"], joined["volunteer"], True, [])
    return len(joined) + len(POSTS)
