"""Demo wishes: households of the Nanhuaxi station, wishes to claim, a repair to co-fund, one
wish already claimed and one come true. Every name, phone and address here is invented."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from marketplace.auth.models import User
from marketplace.orgs.models import Organisation
from marketplace.platform.extensions import db
from marketplace.wishes import beneficiaries, claims, pledges, service, updates
from marketplace.wishes.models import Beneficiary

STATION = "Nanhuaxi Street Social-Work Station"
HOUSEHOLDS = [
    # pseudonym, category, age band, invented private name, phone, address
    ("木棉阿婆", "elderly_alone", "80+", "林某英", "13800000001", "海珠区南华西街某巷 1 号"),
    ("春芽小朋友", "child_in_difficulty", "0-17", "陈某乐", "13800000002", "海珠区南华西街某巷 2 号"),
    ("青禾一家", "minimum_living", "18-59", "黄某强", "13800000003", "海珠区南华西街某巷 3 号"),
]
WISHES = [
    # household index, kind, title, story, value in fen, quantity
    (0, "wish", "一床过冬的厚棉被", "阿婆独居，旧被子已经很薄，冬天夜里冷。", 30_000, 1),
    (0, "wish", "助听器电池（一年用量）", "阿婆戴助听器，电池每月要换。", 24_000, 12),
    (1, "wish", "新学期的书包和文具", "孩子升上三年级，想要一个结实的书包。", 15_000, 1),
    (2, "wish", "一个电饭煲", "家里的电饭煲坏了，一家人做饭不方便。", 25_000, 1),
    (2, "service_need", "春耕帮忙翻地", "家里有一小块菜地，需要几位志愿者帮忙翻地播种。", 0, 1),
]
NEED = (0, "阿婆家卫生间防滑改造和扶手安装", "卫生间地面湿滑，阿婆去年摔过一次。", 1_200_000,
        [("government", 600_000), ("firm", 300_000), ("charity", 200_000), ("family", 100_000)])
NEED_COSTS = [("防滑地砖及铺设（6 平方米）", 480_000), ("不锈钢扶手两副及安装", 260_000),
              ("淋浴座椅和防滑垫", 160_000), ("水电改造和人工", 300_000)]


def seed_wishes(domain: str) -> int:
    """Add the demo households and listings if missing; return how many listings were added."""
    station = db.session.scalar(select(Organisation).where(Organisation.name_en == STATION))
    worker = db.session.scalar(select(User).where(User.email == f"socialworker@{domain}"))
    checker = db.session.scalar(select(User).where(User.email == f"admin@{domain}"))
    if station is None or worker is None or checker is None:
        return 0
    if db.session.scalar(select(Beneficiary.id).where(Beneficiary.organisation_id == station.id)) is not None:
        return 0
    households = []
    for pseudonym, category, age_band, name, phone, address in HOUSEHOLDS:
        household = beneficiaries.register_beneficiary(
            worker, station, pseudonym=pseudonym, district_id=station.district_id, category=category,
            age_band=age_band, full_name=name, phone=phone, id_number="", address=address, notes="",
            consent_on=date(2026, 9, 1), consent_scope="同意以化名发布微心愿及住房改造需求")
        households.append(beneficiaries.verify_beneficiary(checker, household.id))  # not the registrant
    listings = []
    for index, kind, title, story, value, quantity in WISHES:
        listings.append(_published(worker, checker, households[index], kind=kind, title=title, story=story,
                                   value_fen=value, quantity=quantity))
    index, title, story, budget, plan = NEED
    need = _published(worker, checker, households[index], kind="household_need", title=title, story=story,
                      value_fen=budget, funding=[{"source": s, "amount_fen": a} for s, a in plan],
                      cost_rows=[{"label": label, "amount_fen": a} for label, a in NEED_COSTS])
    firm_member = db.session.scalar(select(User).where(User.email == f"firm@{domain}"))
    donor = db.session.scalar(select(User).where(User.email == f"donor@{domain}"))
    firm = next((m.organisation for m in firm_member.memberships if m.organisation.kind == "firm"), None)
    pledges.pledge(need.id, firm_member, 300_000, organisation_id=firm.id if firm else None)
    claims.claim_wish(listings[2].id, donor)
    claims.claim_wish(listings[0].id, donor)
    service.confirm_delivery(worker, listings[0].id, "棉被已送到阿婆家")
    service.write_thanks(worker, listings[0].id, "谢谢你送来的棉被，今年冬天不怕冷了！——木棉阿婆")
    updates.post_update(worker, need.id, "师傅已上门量好尺寸，防滑地砖下周到货。")
    return len(listings) + 1


def _published(worker, checker, household, **fields):
    listing = service.create_listing(worker, household.id, **fields)
    service.transition(worker, listing.id, "submitted")
    service.transition(checker, listing.id, "verified")
    service.transition(checker, listing.id, "published")
    return listing
