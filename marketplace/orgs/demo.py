"""Demo organisations: one or more of each kind across Guangzhou's districts."""
from __future__ import annotations

from marketplace.orgs.models import District, Organisation, OrgKind
from marketplace.platform.extensions import db
from marketplace.platform.timeutil import now_utc

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


def seed_organisations(domain: str) -> tuple[dict[str, Organisation], int]:
    """Add the demo organisations that are missing (flushed); return them by key and how many were added."""
    added = 0
    districts = {d.code: d for d in db.session.scalars(db.select(District))}
    orgs = {}
    for key, kind, name_zh, name_en, code, verified in ORGANISATIONS:
        org = db.session.scalar(db.select(Organisation).where(Organisation.name_zh == name_zh))
        if org is None:
            org = Organisation(
                kind=kind.value, name_zh=name_zh, name_en=name_en, district=districts[code],
                description=f"{name_zh} — {name_en}", contact_name="服务台",
                contact_phone="020-8888 0000", contact_email=f"{key}@{domain}",
                is_verified=verified, verified_at=now_utc() if verified else None,
            )
            db.session.add(org)
            added += 1
        orgs[key] = org
    return orgs, added
