"""Demo users: one of every role, each a member of the demo organisations that role works in."""
from __future__ import annotations

from marketplace.auth.models import User
from marketplace.auth.passwords import hash_password
from marketplace.orgs.models import Membership, Organisation, Role
from marketplace.platform.extensions import db
from marketplace.platform.timeutil import now_utc

DEMO_PASSWORD = "demo-goodhours-2026"
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


def seed_users(domain: str, orgs: dict[str, Organisation]) -> tuple[list[tuple[str, str]], int]:
    """Add the demo users and their memberships that are missing (flushed); return the logins and rows added."""
    added = 0
    password_hash = None
    logins = []
    for label, local, name, is_admin, memberships in USERS:
        email = f"{local}@{domain}"
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
    return logins, added
