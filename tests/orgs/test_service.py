"""Organisation and membership rules."""
import pytest

from marketplace.audit.models import AuditEvent
from marketplace.orgs import service
from marketplace.orgs.models import Membership, Organisation
from marketplace.platform.errors import Conflict, Forbidden, InvalidInput, NotFound
from marketplace.platform.extensions import db

ORG = {"name_zh": "海珠区义工队", "name_en": "Haizhu Volunteers", "district_id": 3,
       "description": "", "contact_email": "team@example.org"}


def test_creator_becomes_admin_and_needs_verified_email(app, create_user):
    unverified = create_user(verified=False)
    with pytest.raises(Forbidden):
        service.create_organisation(unverified, "volunteer_team", **ORG)
    founder = create_user()
    org = service.create_organisation(founder, "volunteer_team", **ORG)
    assert [(m.user, m.role) for m in org.memberships] == [(founder, "admin")]
    assert not org.is_verified
    assert db.session.scalar(db.select(db.func.count(Organisation.id))) == 1


@pytest.mark.parametrize("change,field", [
    ({"name_zh": ""}, "name_zh"), ({"name_en": "x" * 161}, "name_en"),
    ({"district_id": 999}, "district_id"), ({"contact_email": "nope"}, "contact_email"),
])
def test_bad_organisation_fields_write_nothing(app, create_user, change, field):
    with pytest.raises(InvalidInput) as caught:
        service.create_organisation(create_user(), "charity", **(ORG | change))
    assert field in caught.value.fields
    assert db.session.scalar(db.select(db.func.count(Organisation.id))) == 0


def test_unknown_kind_is_refused(app, create_user):
    with pytest.raises(InvalidInput):
        service.create_organisation(create_user(), "club", **ORG)


def test_only_platform_admin_verifies(app, create_user, create_org):
    owner = create_user()
    org = create_org(members={owner: "admin"}, verified=False)
    with pytest.raises(NotFound):
        service.set_verified(owner, org, True)
    admin = create_user(admin=True)
    service.set_verified(admin, org, True)
    assert org.is_verified and org.verified_by_id == admin.id


def test_invite_accept_change_role_and_audit(app, create_user, create_org, mailbox):
    admin = create_user()
    org = create_org(members={admin: "admin"})
    service.invite(admin, org, "Helper@Example.org", "coordinator")
    token = mailbox.last_link().rsplit("/", 1)[1]
    stranger = create_user(email="other@example.org")
    with pytest.raises(Forbidden):
        service.accept_invitation(stranger, token)
    helper = create_user(email="helper@example.org")
    membership = service.accept_invitation(helper, token)
    assert membership.role == "coordinator"
    with pytest.raises(InvalidInput):
        service.accept_invitation(helper, token)  # used
    service.change_role(admin, org, membership.id, "staff")
    assert membership.role == "staff"
    actions = db.session.scalars(db.select(AuditEvent.action)).all()
    assert {"org.member_invited", "org.member_joined", "org.role_changed"} <= set(actions)


def test_non_admin_cannot_manage_members(app, create_user, create_org):
    admin, staff = create_user(), create_user()
    org = create_org(members={admin: "admin", staff: "staff"})
    staff_membership = next(m for m in org.memberships if m.user is staff)
    with pytest.raises(NotFound):
        service.change_role(staff, org, staff_membership.id, "admin")
    with pytest.raises(NotFound):
        service.invite(staff, org, "x@example.org", "member")


def test_last_admin_cannot_leave_be_removed_or_demoted(app, create_user, create_org):
    admin, member = create_user(), create_user()
    org = create_org(members={admin: "admin", member: "member"})
    admin_membership = next(m for m in org.memberships if m.user is admin)
    with pytest.raises(Conflict):
        service.leave(admin, org)
    with pytest.raises(Conflict):
        service.remove_member(admin, org, admin_membership.id)
    with pytest.raises(Conflict):
        service.change_role(admin, org, admin_membership.id, "member")
    service.leave(member, org)
    assert db.session.scalar(db.select(db.func.count(Membership.id))) == 1


def test_membership_of_another_org_is_not_found(app, create_user, create_org):
    admin = create_user()
    org = create_org(members={admin: "admin"})
    other_member = create_user()
    other = create_org(members={other_member: "member"})
    with pytest.raises(NotFound):
        service.remove_member(admin, org, other.memberships[0].id)


def test_platform_admin_edits_districts(app, create_user):
    admin = create_user(admin=True)
    with pytest.raises(Forbidden):
        service.save_district(create_user(), "x", "某区", "Some", 1, True)
    district = service.save_district(admin, "nansha-new", "南沙新区", "Nansha New Area", 20, True)
    assert district in service.districts()
    service.save_district(admin, "nansha-new", "南沙新区", "Nansha New Area", 20, False, district.id)
    assert district not in service.districts()
    with pytest.raises(InvalidInput):
        service.save_district(admin, "tianhe", "重复", "Dup", 1, True)
    assert len(service.districts(active_only=False)) == 12
