"""API: organisations, districts, members and invitations."""
from flask import g

from marketplace.api.base import api_blueprint, token_route
from marketplace.api.pagination import paginate
from marketplace.orgs import service
from marketplace.orgs.models import Organisation
from marketplace.orgs.schemas import (
    DistrictSchema,
    InvitationSchema,
    MemberRoleSchema,
    MemberSchema,
    OrganisationPageSchema,
    OrganisationPublicSchema,
    OrganisationQuerySchema,
    OrganisationUpdateSchema,
)

blp = api_blueprint("organisations", __name__, url_prefix="/api/v1", description=(
    "Organisations, under /api/v1/orgs. The former /api/v1/organisations addresses answer 308 to these."))


@blp.route("/districts")
@blp.response(200, DistrictSchema(many=True))
def list_districts():
    """List the districts organisations can be in."""
    return service.districts()


@blp.route("/orgs")
@blp.arguments(OrganisationQuerySchema, location="query")
@blp.response(200, OrganisationPageSchema)
def list_organisations(args):
    """List organisations, filtered and cursor-paginated."""
    stmt = service.list_organisations(args["kind"], args["district"], args["q"], args["verified"])
    return paginate(stmt, Organisation.id, args["cursor"], args["limit"])


@token_route(blp, "/orgs",
             methods=("POST",), body=OrganisationPublicSchema, code=201, response=OrganisationPublicSchema)
def create_organisation(data):
    """Register an organisation; the caller becomes its admin."""
    return service.create_organisation(g.user, **data)


@blp.route("/orgs/<int:org_id>")
@blp.response(200, OrganisationPublicSchema)
def get_organisation(org_id):
    """Return one organisation."""
    return service.get_organisation(org_id)


@token_route(blp, "/orgs/<int:org_id>",
             methods=("PATCH",), body=OrganisationUpdateSchema(partial=True), response=OrganisationPublicSchema)
def update_organisation(data, org_id):
    """Edit an organisation (its admins)."""
    org = service.get_organisation(org_id)
    current = {key: getattr(org, key) for key in service.ORG_TEXT_LIMITS}
    current["district_id"] = org.district_id
    return service.update_organisation(g.user, org, **(current | data))


@token_route(blp, "/orgs/<int:org_id>/members", response=MemberSchema(many=True))
def list_members(org_id):
    """List an organisation's members (its members only)."""
    return service.members(g.user, service.get_organisation(org_id))


@token_route(blp, "/orgs/<int:org_id>/members/<int:membership_id>",
             methods=("PATCH",), body=MemberRoleSchema, response=MemberSchema)
def change_role(data, org_id, membership_id):
    """Change a member's role (organisation admins)."""
    org = service.get_organisation(org_id)
    return service.change_role(g.user, org, membership_id, data["role"])


@token_route(blp, "/orgs/<int:org_id>/members/<int:membership_id>", methods=("DELETE",), code=204)
def remove_member(org_id, membership_id):
    """Remove a member (organisation admins)."""
    service.remove_member(g.user, service.get_organisation(org_id), membership_id)


@token_route(blp, "/orgs/<int:org_id>/invitations",
             methods=("POST",), body=InvitationSchema, code=201, response=InvitationSchema)
def invite(data, org_id):
    """Invite someone by email (organisation admins)."""
    return service.invite(g.user, service.get_organisation(org_id), data["email"], data["role"])
