"""Demo referrals and visits (穗救易): communities of Haizhu's Nanhuaxi street, a catalogue of policies,
services and charity programmes with the organisations offering them, the station's households of every
category enrolled for visits, months of visits, referrals in every state (one overdue: red; one due
tomorrow: yellow; one waiting for the household's feedback) and a district officer. Every name is invented.

Everything goes through the domain's services, as a person's clicks would."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from marketplace.auth.models import User
from marketplace.auth.passwords import hash_password
from marketplace.funds.models import Fund
from marketplace.orgs.models import Community, District, Organisation
from marketplace.platform.extensions import db
from marketplace.platform.timeutil import local_today, now_utc
from marketplace.referrals import (
    catalogue,
    dispatch,
    feedback,
    households,
    officers,
    policy,
    processing,
    service,
    visits,
)
from marketplace.referrals.models import (
    AssistanceItem,
    HouseholdCare,
    HouseholdVisitor,
    ReferralStatus,
)
from marketplace.wishes import beneficiaries
from marketplace.wishes.models import Beneficiary

R = ReferralStatus
STATION, CHARITY, HELPER = ("Nanhuaxi Street Social-Work Station", "Guangzhou Goodheart Charity",
                            "Duobao Street Social-Work Station")
OFFICER = ("officer", "何督导")  # local part of the email, display name
COMMUNITIES = [("haizhu-zhoutouju", "洲头咀社区", "Zhoutouju Community"),
               ("haizhu-tongfuxi", "同福西社区", "Tongfuxi Community"),
               ("haizhu-nanhuaxi", "南华西社区", "Nanhuaxi Community")]
ITEMS = [
    # code, kind, need kind, name_zh, name_en, categories, required facts, description
    ("old-age-allowance", "policy", "living", "高龄老人津贴", "Old-age allowance", ["elderly_alone"], ["aged_80_plus"],
     "80 周岁以上户籍老人按月领取。"),
    ("disability-subsidies", "policy", "medical", "残疾人两项补贴", "Two disability subsidies",
     ["severe_disability"], ["disability_certificate"], "困难残疾人生活补贴和重度残疾人护理补贴。"),
    ("temporary-relief", "policy", "living", "临时救助", "Temporary relief",
     ["subsistence", "near_subsistence", "extreme_poverty", "expenditure_hardship"], [],
     "遭遇突发事件、意外伤害或重大疾病导致基本生活暂时困难的家庭。"),
    ("school-aid", "policy", "education", "困境儿童助学金", "School aid for children in difficulty",
     ["unsupported_child"], ["school_child"], "在读的事实无人抚养儿童每学期发放。"),
    ("meal-help", "service", "living", "长者助餐配餐", "Meals for elders", [], [], "社区长者饭堂堂食或送餐上门。"),
    ("escort-to-clinic", "service", "medical", "上门陪诊", "Escort to the clinic", [], [], "社工或志愿者陪同就医。"),
    ("home-adaptation", "service", "housing", "居家适老化改造", "Adapting a home for old age", ["elderly_alone"], [],
     "扶手、防滑、夜灯等小改造。"),
    ("warm-winter", "charity", "living", "暖冬行动", "Warm winter", [], [], "为困难家庭送棉被、取暖器和过冬物资。"),
]
HOUSEHOLDS = [
    # pseudonym, wishes category, age band, invented name, phone, address; care categories, facts, community
    ("榕树阿伯", "elderly_alone", "80+", "陈某根", "13800000011", "海珠区南华西街某巷 11 号",
     ["elderly_alone"], ["aged_80_plus", "aged_60_plus"], 0),
    ("紫荆一家", "minimum_living", "18-59", "梁某华", "13800000012", "海珠区南华西街某巷 12 号",
     ["subsistence"], ["unemployed"], 1),
    ("凤凰阿姨", "near_poverty", "60-79", "李某珍", "13800000013", "海珠区南华西街某巷 13 号",
     ["near_subsistence"], ["chronic_illness", "aged_60_plus"], 1),
    ("芒果叔叔", "extreme_poverty", "60-79", "吴某强", "13800000014", "海珠区南华西街某巷 14 号",
     ["extreme_poverty"], ["no_income", "aged_60_plus"], 2),
    ("木瓜一家", "expenditure_hardship", "18-59", "周某明", "13800000015", "海珠区南华西街某巷 15 号",
     ["expenditure_hardship"], ["chronic_illness"], 2),
    ("荔枝哥哥", "disability", "18-59", "郑某伟", "13800000016", "海珠区南华西街某巷 16 号",
     ["severe_disability"], ["disability_certificate"], 0),
    ("小桃", "child_in_difficulty", "0-17", "黄某桃", "13800000017", "海珠区南华西街某巷 17 号",
     ["unsupported_child"], ["school_child"], 1),
]
# the wishes demo's households of the station, enrolled too: pseudonym -> categories, facts, community
EARLIER = {"木棉阿婆": (["elderly_alone"], ["aged_80_plus"], 0),
           "春芽小朋友": (["unsupported_child"], ["school_child"], 1),
           "青禾一家": (["subsistence"], ["unemployed"], 2)}
FINDINGS = ["精神状态良好，饮食正常。", "家中整洁，冰箱有存粮。", "血压偏高，已提醒按时服药。",
            "房屋墙面返潮，需要关注。"]


def _one(model, **where):
    return db.session.scalar(select(model).filter_by(**where))


def seed_referrals(domain: str) -> tuple[list[tuple[str, str]], int]:
    """Add the demo referral world if missing; return the officer's login and how many records were added."""
    from marketplace.auth.demo import DEMO_PASSWORD

    login = [("district officer", f"{OFFICER[0]}@{domain}")]
    station, charity, helper = (_one(Organisation, name_en=n) for n in (STATION, CHARITY, HELPER))
    worker, admin, staff = (_one(User, email=f"{n}@{domain}") for n in ("socialworker", "admin", "staff"))
    volunteer = _one(User, email=f"volunteer@{domain}")
    if None in (station, charity, helper, worker, admin, staff, volunteer):
        return login, 0
    if db.session.scalar(select(HouseholdCare.beneficiary_id).where(HouseholdCare.organisation_id == station.id)):
        return login, 0
    district = db.session.get(District, station.district_id)
    officer = _one(User, email=login[0][1]) or User(
        email=login[0][1], password_hash=hash_password(DEMO_PASSWORD), display_name=OFFICER[1],
        email_verified_at=now_utc(), locale="zh_CN")
    db.session.add(officer)
    db.session.flush()
    officers.appoint(admin, officer.email, district.id)
    communities = [_one(Community, code=code) or officers.save_community(
        admin, code=code, name_zh=zh, name_en=en, district_id=district.id, sort_order=i)
        for i, (code, zh, en) in enumerate(COMMUNITIES)]
    items = _catalogue(admin, charity)
    catalogue.offer(staff, charity.id, items["meal-help"].id, district.id)
    catalogue.offer(staff, charity.id, items["warm-winter"].id, district.id)
    catalogue.offer(worker, helper.id, items["escort-to-clinic"].id, district.id)
    catalogue.offer(worker, helper.id, items["home-adaptation"].id, district.id)
    cared = _households(worker, admin, station, communities, volunteer)
    visits = _visits(cared, worker, volunteer)
    referrals = _referrals(cared, worker, staff, charity, helper, items)
    policy.mark(worker, cared["榕树阿伯"].beneficiary_id, items["old-age-allowance"].id, "received")
    policy.mark(worker, cared["荔枝哥哥"].beneficiary_id, items["disability-subsidies"].id, "applied")
    db.session.commit()
    return login, 1 + len(communities) + len(items) + 4 + len(cared) + visits + referrals


def _catalogue(admin, charity) -> dict[str, AssistanceItem]:
    fund = db.session.scalar(select(Fund).where(Fund.organisation_id == charity.id).order_by(Fund.id))
    found = {}
    for code, kind, need, zh, en, categories, facts, about in ITEMS:
        charity_fields = {"organisation_id": charity.id, "fund_id": fund.id if fund else None,
                          "budget_fen": 20_000_000} if kind == "charity" else {}
        found[code] = _one(AssistanceItem, code=code) or catalogue.save_item(
            admin, code=code, kind=kind, need_kind=need, name_zh=zh, name_en=en, description=about,
            categories=categories, required_facts=facts, **charity_fields)
    return found


def _households(worker, checker, station, communities, volunteer) -> dict[str, HouseholdCare]:
    cared = {}
    for pseudonym, category, band, name, phone, address, kinds, facts, where in HOUSEHOLDS:
        household = beneficiaries.register_beneficiary(
            worker, station, pseudonym=pseudonym, district_id=station.district_id, category=category, age_band=band,
            full_name=name, phone=phone, id_number="", address=address, notes="", consent_on=local_today() - timedelta(
                days=200), consent_scope="同意社工建档、定期探访及转介服务")
        beneficiaries.verify_beneficiary(checker, household.id)
        cared[pseudonym] = households.enrol(worker, household.id, categories=kinds, facts=facts,
                                            community_id=communities[where].id, social_worker_id=worker.id)
    for pseudonym, (kinds, facts, where) in EARLIER.items():
        household = _one(Beneficiary, organisation_id=station.id, pseudonym=pseudonym)
        if household is not None:
            cared[pseudonym] = households.enrol(worker, household.id, categories=kinds, facts=facts,
                                                community_id=communities[where].id, social_worker_id=worker.id)
    for pseudonym in ("榕树阿伯", "木棉阿婆", "凤凰阿姨"):
        if pseudonym in cared:
            db.session.add(HouseholdVisitor(beneficiary_id=cared[pseudonym].beneficiary_id, user_id=volunteer.id))
    db.session.commit()
    return cared


def _visits(cared, worker, volunteer) -> int:
    """Visits every interval over the past four months, recorded through the visit service (the volunteer's
    visits of the last fortnight wait for review as hours); the elderly man alone last seen ten days ago
    (weekly: red); the near-subsistence lady due tomorrow (yellow)."""
    today, added = local_today(), 0
    last_seen = {"榕树阿伯": 10}
    for n, (pseudonym, care) in enumerate(cared.items()):
        every = care.visit_every_days or 30
        gap = last_seen.get(pseudonym, every - 1 if pseudonym == "凤凰阿姨" else max(1, every // 3))
        day = today - timedelta(days=gap)
        while day > today - timedelta(days=120):
            with_volunteer = pseudonym in ("榕树阿伯", "凤凰阿姨") and added % 2
            recent = day > today - timedelta(days=14)
            visits.record_visit(worker, care.beneficiary_id, visited_on=day, mode=("home", "phone", "video")[added % 3],
                                minutes=45 if with_volunteer and recent else 0,
                                visitors=[volunteer.id] if with_volunteer else [],
                                living=FINDINGS[(n + added) % len(FINDINGS)], health=FINDINGS[(n + added + 2) % 4])
            day -= timedelta(days=every)
            added += 1
    return added


def _referrals(cared, worker, staff, charity, helper, items) -> int:
    """One referral in every state, through the loop's services: waiting for dispatch, sent, overdue (red),
    due tomorrow (yellow), done and waiting for feedback, closed with feedback, cancelled. The due dates of
    the overdue and nearly due ones are moved as if they had been sent days earlier."""
    now = now_utc()

    def need(pseudonym, item, description, urgency="normal"):
        return service.intake(worker, cared[pseudonym].beneficiary_id, source="social_worker",
                              need_kind=items[item].need_kind, urgency=urgency, description=description,
                              item_id=items[item].id, private_details="")

    def send(referral, org, due=None):
        dispatch.dispatch(worker, referral.id, [org.id])
        if due is not None:  # sent earlier, as it were
            referral.due_at = due
            households.refresh_referrals(referral.household)
            db.session.commit()

    def accept(referral, owner):
        dispatch.accept(owner, dispatch.dispatches_of(referral)[0].id)

    need("紫荆一家", "temporary-relief", "失业三个月，房租快交不上，想申请临时救助。")
    sent = need("芒果叔叔", "meal-help", "腿脚不便，希望每天有人送午餐。")
    send(sent, charity)
    late = need("荔枝哥哥", "escort-to-clinic", "下周三要去医院复查，需要有人陪同。", "urgent")
    send(late, helper, now - timedelta(days=3))
    accept(late, worker)
    soon = need("木瓜一家", "warm-winter", "家里缺过冬棉被两床。")
    send(soon, charity, now + timedelta(days=1))
    accept(soon, staff)
    done = need("凤凰阿姨", "meal-help", "出院后一个月内需要送餐。")
    send(done, charity)
    accept(done, staff)
    processing.mark_done(staff, done.id, "已安排长者饭堂每天送餐，持续一个月。")
    closed = need("小桃", "home-adaptation", "书桌台灯坏了，晚上写作业看不清。")
    send(closed, helper)
    accept(closed, worker)
    processing.give_in_kind(worker, closed.id, what="新台灯一盏", value_fen=12_000)
    processing.mark_done(worker, closed.id, "已送去新台灯并检查了电线。")
    feedback.give_feedback(worker, closed.id, solved=True, satisfaction=5, note="孩子很喜欢新台灯。")
    dropped = need("紫荆一家", "meal-help", "想报名长者饭堂。")
    dispatch.cancel(worker, dropped.id, "家中没有老人，不符合条件，已改为转介临时救助。")
    return 7
