"""A realistic demo: organisations of each kind across Guangzhou, users of every role, time-bank activities,
micro-wishes and a household need of one social-work station, and a charity's funds with gifts."""
from __future__ import annotations

from config import settings
from marketplace.auth.models import User
from marketplace.auth.passwords import hash_password
from marketplace.orgs.models import District, Membership, Organisation, OrgKind, Role
from marketplace.platform.extensions import db
from marketplace.platform.timeutil import now_utc

DEMO_PASSWORD = "demo-goodhours-2026"
DOMAIN = "demo.example.org"

ORGANISATIONS = [
    # key, kind, name_zh, name_en, district code, verified
    ("charity", OrgKind.CHARITY, "广州市善心慈善会", "Guangzhou Goodheart Charity", "yuexiu", True),
    ("charity2", OrgKind.CHARITY, "番禺区扶老助困基金会", "Panyu Elder Support Foundation", "panyu", True),
    ("firm", OrgKind.FIRM, "天河暖心餐饮有限公司", "Tianhe Warm Meals Co., Ltd.", "tianhe", True),
    ("firm2", OrgKind.FIRM, "白云安居建材有限公司", "Baiyun Safe Home Materials Co.", "baiyun", False),
    ("station", OrgKind.SOCIAL_WORK_STATION, "海珠区南华西街社工站", "Nanhuaxi Street Social-Work Station",
     "haizhu", True),
    ("station2", OrgKind.SOCIAL_WORK_STATION, "荔湾区多宝街社工站", "Duobao Street Social-Work Station", "liwan", True),
    ("team", OrgKind.VOLUNTEER_TEAM, "越秀区时间银行志愿服务队", "Yuexiu Time Bank Volunteers", "yuexiu", True),
    ("team2", OrgKind.VOLUNTEER_TEAM, "黄埔区青年志愿者协会", "Huangpu Youth Volunteers", "huangpu", True),
    ("team3", OrgKind.VOLUNTEER_TEAM, "从化区乡村振兴志愿队", "Conghua Rural Revival Volunteers", "conghua", False),
]

USERS = [
    # role label, local part, display name, platform admin, memberships [(org key, role)]
    ("platform admin", "admin", "平台管理员", True, []),
    ("organisation admin", "orgadmin", "陈慧敏", False, [("charity", Role.ADMIN), ("charity2", Role.ADMIN)]),
    ("charity staff", "staff", "李明华", False, [("charity", Role.STAFF)]),
    ("social worker", "socialworker", "黄嘉怡", False, [("station", Role.STAFF), ("station2", Role.ADMIN)]),
    ("coordinator", "coordinator", "梁志强", False, [("team", Role.ADMIN), ("team2", Role.COORDINATOR)]),
    ("volunteer", "volunteer", "张伟", False, [("team", Role.MEMBER)]),
    ("volunteer (elderly)", "grandma", "王秀英", False, [("team", Role.MEMBER), ("team2", Role.MEMBER)]),
    ("firm member", "firm", "刘建国", False, [("firm", Role.ADMIN), ("firm2", Role.MEMBER)]),
    ("donor", "donor", "Emily Chen", False, []),
]


def seed_demo() -> tuple[list[tuple[str, str]], int]:
    """Add the demo records that are missing; return the logins and how many rows were added."""
    if settings.ENV_NAME == "production":
        raise RuntimeError("refusing to seed demo data in production")
    added = 0
    districts = {d.code: d for d in db.session.scalars(db.select(District))}
    orgs = {}
    for key, kind, name_zh, name_en, code, verified in ORGANISATIONS:
        org = db.session.scalar(db.select(Organisation).where(Organisation.name_zh == name_zh))
        if org is None:
            org = Organisation(
                kind=kind.value, name_zh=name_zh, name_en=name_en, district=districts[code],
                description=f"{name_zh} — {name_en}", contact_name="服务台",
                contact_phone="020-8888 0000", contact_email=f"{key}@{DOMAIN}",
                is_verified=verified, verified_at=now_utc() if verified else None,
            )
            db.session.add(org)
            added += 1
        orgs[key] = org
    password_hash = None
    logins = []
    for label, local, name, is_admin, memberships in USERS:
        email = f"{local}@{DOMAIN}"
        logins.append((label, email))
        user = db.session.scalar(db.select(User).where(User.email == email))
        if user is not None:
            continue
        password_hash = password_hash or hash_password(DEMO_PASSWORD)
        user = User(email=email, password_hash=password_hash, display_name=name,
                    is_platform_admin=is_admin, email_verified_at=now_utc(),
                    locale="en" if local == "donor" else "zh_CN",
                    public_display="name" if local in {"firm", "orgadmin"} else "masked")
        db.session.add(user)
        for org_key, role in memberships:
            db.session.add(Membership(organisation=orgs[org_key], user=user, role=role.value))
        added += 1 + len(memberships)
    db.session.commit()
    from marketplace.timebank.demo import seed_time_bank

    added += seed_time_bank(DOMAIN)
    from marketplace.wishes.demo import seed_wishes

    added += seed_wishes(DOMAIN)
    from marketplace.funds.demo import seed_funds

    added += seed_funds(DOMAIN)
    return logins, added
