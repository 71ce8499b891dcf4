"""Progress updates: staff of the listing's organisation post one (with an optional photo); anyone
may read a public listing's update photos (the re-encoded copy)."""
from __future__ import annotations

from flask import g, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from marketplace.orgs.policy import require
from marketplace.web.forms import save_or_show
from marketplace.wishes import service, updates
from marketplace.wishes.staff_forms import UpdateForm
from marketplace.wishes.views import bp, send_public_photo


@bp.route("/listings/<int:listing_id>/updates/new", methods=["GET", "POST"])
@login_required
def listing_update_new(listing_id):
    """Post a progress update on a published listing; its donors are told."""
    listing = service.get_listing(g.user, listing_id)
    require(g.user, "org.manage_needs", listing.organisation)
    form = UpdateForm()
    return save_or_show(
        form, lambda: updates.post_update(g.user, listing.id, form.text.data, photo=request.files.get("photo")),
        _("The update is posted on the public page, and the donors are told."),
        url_for("wishes.listing", listing_id=listing.id), "wishes/update_form.html", listing=listing,
        latest=updates.updates_of(listing)[:3])


@bp.route("/<listing_code>/updates/<int:update_id>/photo")
def update_photo(listing_code, update_id):
    """Send the photo of a public listing's progress update (the copy without metadata)."""
    return send_public_photo(updates.public_update(listing_code, update_id).public_photo_path)
