"""Staff pages for listings: write and correct a wish or need, move it through review and
publication, approve a budget over the cap, confirm delivery, pass on the household's thanks,
turn a service need into an activity, and read the private photos."""
from __future__ import annotations

import io

from flask import abort, flash, g, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from sqlalchemy import select

from marketplace.orgs.policy import can, require
from marketplace.orgs.service import get_organisation
from marketplace.platform.errors import DomainError, Forbidden, NotFound
from marketplace.platform.extensions import db
from marketplace.timebank.forms import to_utc
from marketplace.web import uploads
from marketplace.web.forms import apply_errors, save_or_show, submit_and_return
from marketplace.wishes import beneficiaries, pledges, service
from marketplace.wishes.costs import costs_of
from marketplace.wishes.lifecycle import status_label
from marketplace.wishes.models import ClaimStatus, Listing, ListingKind, ListingStatus, Pledge, WishClaim
from marketplace.wishes.money_forms import money_context
from marketplace.wishes.staff_forms import (
    ApproveBudgetForm,
    ConvertForm,
    DeliveryForm,
    ListingEditForm,
    ListingForm,
    MoveForm,
    ThanksForm,
    cost_rows,
    funding_rows,
    page_arg,
)
from marketplace.wishes.views import bp

S = ListingStatus
PAGE = 50
# the buttons for hand-made moves, in the order a listing usually takes them
MOVE_BUTTONS = {
    S.SUBMITTED: _l("Submit for verification"), S.VERIFIED: _l("Verify"), S.PUBLISHED: _l("Publish"),
    S.CONFIRMED: _l("The household confirms receipt"), S.CLOSED: _l("Close"), S.DRAFT: _l("Return to draft"),
    S.WITHDRAWN: _l("Withdraw"),
}


@bp.route("/households/<int:beneficiary_id>/listings/new", methods=["GET", "POST"])
@login_required
def listing_new(beneficiary_id):
    """Write a wish, household need or service need for a household."""
    household = beneficiaries.get_beneficiary(g.user, beneficiary_id)
    require(g.user, "org.manage_needs", household.organisation)
    form = ListingForm()
    return save_or_show(
        form, lambda: service.create_listing(
            g.user, household.id, kind=form.kind.data, title=form.title.data, story=form.story.data or "",
            quantity=form.quantity.data, value_fen=form.value.data or 0, funding=funding_rows(form),
            photo=request.files.get("photo"), cost_rows=cost_rows(form)),
        _("The listing is saved as a draft. Submit it for verification when it is ready."),
        lambda listing: url_for("wishes.listing", listing_id=listing.id),
        "wishes/listing_form.html", household=household, listing=None, show_errors=_apply)


def _apply(form, error: DomainError) -> None:
    """Show service errors by the fields: the service speaks of fen, the form of yuan."""
    error.fields = {("value" if name == "value_fen" else name): messages for name, messages in error.fields.items()}
    apply_errors(form, error)


@bp.route("/orgs/<int:org_id>/listings")
@login_required
def staff_listings(org_id):
    """List every listing of the organisation, newest first, by status."""
    org = get_organisation(org_id)
    status = request.args.get("status")
    status = status if status in S.__members__.values() else None
    page = page_arg()
    stmt = service.listings_of(g.user, org, status)
    rows = db.session.scalars(stmt.offset((page - 1) * PAGE).limit(PAGE + 1)).all()
    return render_template("wishes/staff_listings.html", org=org, listings=rows[:PAGE], status=status, page=page,
                           has_next=len(rows) > PAGE, statuses=list(S))


def _managed(listing_id) -> Listing:
    """Return a listing its organisation's staff manage; others get 404."""
    listing = service.get_listing(g.user, listing_id)
    require(g.user, "org.manage_needs", listing.organisation)
    return listing


@bp.route("/listings/<int:listing_id>")
@login_required
def listing(listing_id):
    """Show a listing to its staff: the household, the history, and what can be done now."""
    listing = _managed(listing_id)
    org = listing.organisation
    offered = service.offered_moves(g.user, listing)
    moves = [(to, MOVE_BUTTONS[to]) for to in MOVE_BUTTONS if to in offered]
    claim = db.session.scalar(select(WishClaim).where(WishClaim.listing_id == listing.id,
                                                      WishClaim.status == ClaimStatus.ACTIVE.value))
    pledge_rows = db.session.scalars(select(Pledge).where(Pledge.listing_id == listing.id)
                                     .order_by(Pledge.id)).all()
    return render_template(
        "wishes/listing.html", listing=listing, history=service.history(g.user, listing), moves=moves,
        note_needed=service.NOTE_NEEDED, claim=claim, pledges=pledge_rows,
        coverage=pledges.coverage(listing) if listing.kind == ListingKind.HOUSEHOLD_NEED else None,
        over_cap=service.needs_over_cap_approval(listing), may_approve=can(g.user, "org.edit", org),
        may_convert=(listing.kind == ListingKind.SERVICE_NEED and listing.status_enum is S.PUBLISHED
                     and can(g.user, "org.run_activities", org)),
        editable=listing.status_enum in service.EDITABLE, move_form=MoveForm(), approve_form=ApproveBudgetForm(),
        delivery_form=DeliveryForm(), thanks_form=ThanksForm(text=listing.thanks_note), convert_form=ConvertForm(),
        **money_context(g.user, listing))


@bp.route("/listings/<int:listing_id>/edit", methods=["GET", "POST"])
@login_required
def listing_edit(listing_id):
    """Correct a draft, or a listing waiting for verification."""
    listing = _managed(listing_id)
    if listing.status_enum not in service.EDITABLE:
        flash(_("Only a draft or a listing waiting for verification can be changed."), "error")
        return redirect(url_for("wishes.listing", listing_id=listing.id))
    form = ListingEditForm(data={
        "title": listing.title, "story": listing.story, "quantity": listing.quantity, "value": listing.value_fen,
        "funding": [{"source": f.source, "amount": f.amount_fen, "note": f.note} for f in listing.funding_lines],
        "costs": [{"label": c.label, "amount": c.amount_fen} for c in costs_of(listing)]})
    return save_or_show(
        form, lambda: service.update_listing(g.user, listing.id, title=form.title.data, story=form.story.data or "",
                                             quantity=form.quantity.data, value_fen=form.value.data or 0,
                                             funding=funding_rows(form), photo=request.files.get("photo"),
                                             cost_rows=cost_rows(form)),
        _("Saved."), url_for("wishes.listing", listing_id=listing.id),
        "wishes/listing_form.html", household=listing.beneficiary, listing=listing, show_errors=_apply)


def _act(listing_id, form, action, done: str):
    """Run a listing button's action when its form is valid, flash how it went, and go back to the listing.

    A listing the user may not manage answers 404, before and inside the action.
    """
    listing = _managed(listing_id)
    return submit_and_return(form, lambda f: action(listing, f), url_for("wishes.listing", listing_id=listing.id),
                             done, passes=(NotFound, Forbidden))


@bp.post("/listings/<int:listing_id>/move")
@login_required
def listing_move(listing_id):
    """Make a hand-made move: submit, verify, publish, return, withdraw, confirm or close."""
    form = MoveForm()
    done = _("The listing is now “%(status)s”.", status=status_label(form.to.data or ""))
    return _act(listing_id, form, lambda listing, f: service.transition(g.user, listing.id, f.to.data,
                                                                        f.note.data or ""), done)


@bp.post("/listings/<int:listing_id>/approve-budget")
@login_required
def listing_approve_budget(listing_id):
    """Let a household need's budget pass the cap (organisation admins)."""
    return _act(listing_id, ApproveBudgetForm(),
                lambda listing, f: service.approve_over_cap(g.user, listing.id, f.note.data),
                _("The budget over the cap is approved."))


@bp.post("/listings/<int:listing_id>/deliver")
@login_required
def listing_deliver(listing_id):
    """Confirm the wish was delivered or the need met, with an optional private photo."""
    return _act(listing_id, DeliveryForm(),
                lambda listing, f: service.confirm_delivery(g.user, listing.id, f.note.data or "",
                                                            photo=request.files.get("photo")),
                _("Delivery is confirmed. Write the household's thank-you when you can."))


@bp.post("/listings/<int:listing_id>/thanks")
@login_required
def listing_thanks(listing_id):
    """Record the household's thank-you note and send it to the donors."""
    return _act(listing_id, ThanksForm(), lambda listing, f: service.write_thanks(g.user, listing.id, f.text.data),
                _("The thank-you note is saved and sent to the donors."))


@bp.post("/listings/<int:listing_id>/activity")
@login_required
def listing_activity(listing_id):
    """Turn a published service need into a time-bank activity."""
    return _act(listing_id, ConvertForm(), lambda listing, f: service.convert_to_activity(
        g.user, listing.id, starts_at=to_utc(f.starts_at.data), ends_at=to_utc(f.ends_at.data),
        capacity=f.capacity.data, address=f.address.data or ""),
        _("The service need is now a volunteer activity."))


@bp.route("/listings/<int:listing_id>/photo/<any(original, delivery):which>")
@login_required
def listing_photo(listing_id, which):
    """Download a listing's private photo (its organisation's staff only)."""
    listing = _managed(listing_id)
    name = listing.photo_path if which == "original" else listing.delivery_photo_path
    if not name:
        abort(404)
    try:
        path = uploads.path_of(name)
        data = path.read_bytes()
    except OSError:
        abort(404)
    # Photos are at most a few MB: read them whole rather than hold a file open for the response.
    return send_file(io.BytesIO(data), mimetype="image/png" if path.suffix == ".png" else "image/jpeg",
                     as_attachment=True, download_name=f"listing-{listing.id}-{which}{path.suffix}")
