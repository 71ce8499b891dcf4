"""API: the signed-in user."""
from flask import g

from marketplace.api.base import api_blueprint, auth_required
from marketplace.auth import service
from marketplace.auth.schemas import MeSchema, MeUpdateSchema

blp = api_blueprint("me", __name__, url_prefix="/api/v1/me", description="The signed-in user")


@blp.route("")
@blp.doc(security=[{"token": []}])
@auth_required()
@blp.response(200, MeSchema)
def get_me():
    """Return the signed-in user's profile and memberships."""
    return g.user


@blp.route("", methods=["PATCH"])
@blp.doc(security=[{"token": []}])
@auth_required(write=True)
@blp.arguments(MeUpdateSchema(partial=True))
@blp.response(200, MeSchema)
def update_me(data):
    """Change name, language, phone or public appearance (read-write token)."""
    user = g.user
    return service.update_profile(
        user,
        data.get("display_name", user.display_name),
        data.get("locale", user.locale),
        data.get("public_display", user.public_display),
        data.get("phone", user.phone),
    )
