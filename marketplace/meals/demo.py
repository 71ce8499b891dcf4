"""Demo donated meals (福田 M餐): two firms in Futian with a restaurant each and a youth station (青年驿站) handing
out blind boxes; their permits checked (one expiring in 20 days, so its reminder shows), quota agreements of 30
and 20 meals a day. Every name is invented; everything goes through the domain's services."""
from __future__ import annotations

import io
from datetime import timedelta

from pypdf import PdfWriter
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from marketplace.auth.models import User
from marketplace.meals import days, permits, phones, quotas, redemption, reservations, stores, sweeps
from marketplace.meals.models import MealStockItem, MealStore
from marketplace.orgs.models import District, Membership, Organisation, OrgKind, Role
from marketplace.platform.extensions import db
from marketplace.platform.timeutil import day_start, local_today, now_utc

FUTIAN = ("futian", "福田区", "Futian")  # Shenzhen's Futian, where M餐 began
WINDOWS = "11:00-13:30, 17:00-19:30"
FIRMS = [  # name_zh, name_en
    ("深圳百味轩餐饮有限公司", "Shenzhen Baiweixuan Catering Co., Ltd."),
    ("深圳粤味坊餐饮管理有限公司", "Shenzhen Yueweifang Catering Management Co., Ltd."),
]
STORES = [  # firm index, kind, name, address, licence days left, hygiene days left, meals a day
    (0, "restaurant", "百味轩（福华路店）", "深圳市福田区福华三路168号国际商会中心一楼", 700, 20, 30),
    (1, "restaurant", "粤味坊（华强北店）", "深圳市福田区华强北路1019号华强广场B座首层", 900, 400, 20),
    (1, "base", "青年驿站（莲花山站）", "深圳市福田区红荔路6030号莲花山公园南门旁", 900, 400, 0),
]
STOCK = [("爱心盲盒：米面油", 40, 3000), ("爱心盲盒：牛奶面包", 60, 1200)]


def _pdf() -> FileStorage:
    writer, out = PdfWriter(), io.BytesIO()
    writer.add_blank_page(width=595, height=842)
    writer.write(out)
    return FileStorage(io.BytesIO(out.getvalue()), filename="permit.pdf")


def _district() -> District:
    found = db.session.scalar(select(District).where(District.code == FUTIAN[0]))
    if found is None:
        found = District(code=FUTIAN[0], name_zh=FUTIAN[1], name_en=FUTIAN[2], sort_order=99)
        db.session.add(found)
        db.session.flush()
    return found


def _firm(name_zh: str, name_en: str, district: District, runner: User, domain: str) -> Organisation:
    firm = db.session.scalar(select(Organisation).where(Organisation.name_zh == name_zh))
    if firm is None:
        firm = Organisation(kind=OrgKind.FIRM.value, name_zh=name_zh, name_en=name_en, district=district,
                            description=f"{name_zh}：M餐爱心企业", contact_name="店长", contact_phone="0755-8888 0000",
                            contact_email=f"meals@{domain}", is_verified=True, verified_at=now_utc())
        db.session.add(firm)
        db.session.add(Membership(organisation=firm, user=runner, role=Role.ADMIN.value))
        db.session.commit()
    return firm


def seed_demo(domain: str) -> int:
    """Add the demo stores if missing (run by the firm login and checked by the platform admin); return how many
    records were added."""
    runner = db.session.scalar(select(User).where(User.email == f"firm@{domain}"))
    checker = db.session.scalar(select(User).where(User.email == f"admin@{domain}"))
    if runner is None or checker is None:
        return 0
    if db.session.scalar(select(MealStore.id).where(MealStore.name == STORES[0][2])):
        return 0
    district = _district()
    firms = [_firm(zh, en, district, runner, domain) for zh, en in FIRMS]
    today, added = local_today(), len(firms) + 1
    for firm_index, kind, name, address, licence_days, hygiene_days, meals in STORES:
        store = stores.register_store(runner, firms[firm_index].id, kind=kind, name=name, address=address,
                                      district_id=district.id, windows=WINDOWS)
        for permit_kind, days_left in (("licence", licence_days), ("hygiene", hygiene_days)):
            permit = permits.upload_permit(runner, store.id, kind=permit_kind, number=f"JY1440304{store.id:06d}",
                                           expires_on=today + timedelta(days=days_left), upload=_pdf())
            permits.verify_permit(checker, permit.id)
        added += 3
        if meals:
            quotas.add_quota(runner, store.id, meals_per_day=meals, contents="一荤两素一汤", value_fen=1500,
                             starts_on=today, ends_on=today + timedelta(days=365))
            added += 1
        else:
            for item_name, quantity, value_fen in STOCK:
                stores.add_stock_item(runner, store.id, name=item_name, quantity=quantity, value_fen=value_fen)
                added += 1
    sweeps.remind_expiring()  # the permit expiring in 20 days: its firm is reminded now
    return added + _reserve_and_serve(runner)


LUNCH = timedelta(hours=12)  # inside the first serving window


def _reserve_and_serve(runner: User) -> int:
    """Let demo people (known only by the keyed hash of an invented number) reserve some of today's meals and a
    blind box, and serve some of them at lunch; tomorrow's when today's windows are over. Return how many."""
    shops = db.session.scalars(select(MealStore).where(MealStore.name.in_([s[2] for s in STORES]))
                               .order_by(MealStore.id)).all()
    today = local_today()
    open_today = not days.is_over(shops[0])
    day = today if open_today else today + timedelta(days=1)
    made, number = 0, 0
    for shop, reserved, served in ((shops[0], 12, 7), (shops[1], 6, 2)):
        for n in range(reserved):
            number += 1
            person = phones.person_for_key(phones.phone_key(f"1380000{number:04d}"))
            reservation = reservations.reserve(person, shop.id, day)
            made += 1
            if open_today and n < served:  # collected at lunch, as the counter would have
                redemption.redeem(runner, shop.id, reservation.code, at=day_start(today) + LUNCH)
    base = shops[2]
    item = db.session.scalar(select(MealStockItem).where(MealStockItem.store_id == base.id)
                             .order_by(MealStockItem.id))
    for n in range(3 if open_today else 0):  # boxes are for today only
        number += 1
        box = reservations.reserve_box(phones.person_for_key(phones.phone_key(f"1380000{number:04d}")), base.id,
                                       item.id)
        made += 1
        if open_today and n == 0:
            redemption.redeem(runner, base.id, box.code, at=day_start(today) + LUNCH)
    return made
