"""Public wish pages: browse and read listings, claim a micro-wish, pledge to a household need;
and the donor's own page of claims and pledges, with release, withdrawal and the thank-you notes.

The staff pages add their routes to this blueprint (`staff_views`, `household_views`, `board_views`).
"""
from __future__ import annotations

import io

from flask import Blueprint, abort, flash, g, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy.orm import selectinload

from marketplace.api.pagination import Page, decode_cursor, encode_cursor
from marketplace.auth.forms import EmptyForm
from marketplace.orgs.forms import district_choices
from marketplace.orgs.models import OrgKind
from marketplace.platform.errors import Conflict, DomainError, InvalidInput
from marketplace.platform.extensions import db
from marketplace.platform.ids import id_arg
from marketplace.platform.links import site_url
from marketplace.web import uploads
from marketplace.web.flash import flash_errors
from marketplace.web.forms import apply_errors
from marketplace.web.names import name_choices
from marketplace.wishes import claims, labels, pledges, service
from marketplace.wishes.costs import costs_for, costs_of
from marketplace.wishes.forms import ClaimForm, PledgeForm, parse_yuan
from marketplace.wishes.givers import giver_counts
from marketplace.wishes.models import (
    PUBLIC_STATUSES,
    ClaimStatus,
    HouseholdCategory,
    Listing,
    ListingKind,
    ListingStatus,
    Pledge,
    PledgeStatus,
    WishClaim,
)
from marketplace.wishes.updates import updates_of

bp = Blueprint("wishes", __name__, url_prefix="/wishes")
labels.register(bp)

PER_PAGE = 20
DONE = (ListingStatus.FULFILLED.value, ListingStatus.CONFIRMED.value, ListingStatus.CLOSED.value)


# --- browsing ----------------------------------------------------------------------------------------

@bp.route("/")
def index():
    """Browse public wishes and needs by kind, category, district, status, value and words."""
    filters = _filters()
    stmt = service.browse(kind=filters["kind"], category=filters["category"], district_id=filters["district"],
                          status=filters["status"], min_fen=parse_yuan(filters["min"]),
                          max_fen=parse_yuan(filters["max"]), text=filters["q"])
    stmt = stmt.options(selectinload(Listing.beneficiary), selectinload(Listing.district))
    try:
        page = _newest_first(stmt, request.args.get("cursor"))
    except DomainError:
        abort(400)
    more = ({k: v for k, v in filters.items() if v} | {"cursor": page.next_cursor}) if page.next_cursor else None
    ids = [listing.id for listing in page.items]
    return render_template("wishes/index.html", page=page, filters=filters, more=more,
                           givers=giver_counts(ids), costs=costs_for(ids),
                           kinds=labels.choices(labels.KINDS), categories=labels.choices(labels.CATEGORIES),
                           districts=district_choices(),
                           statuses=[(s.value, labels.status_label(s.value)) for s in PUBLIC_STATUSES])


def _filters() -> dict:
    """Read the list's filters; a value that is not one of the choices reads as no filter."""
    args = request.args
    kind = args.get("kind")
    category = args.get("category")
    status = args.get("status")
    return {
        "kind": kind if kind in ListingKind.__members__.values() else None,
        "category": category if category in HouseholdCategory.__members__.values() else None,
        "district": id_arg("district"),
        "status": status if status in [s.value for s in PUBLIC_STATUSES] else None,
        "min": _yuan_arg("min"),
        "max": _yuan_arg("max"),
        "q": (args.get("q") or "").replace("\x00", "").strip()[:100],
    }


def _yuan_arg(name: str) -> str:
    """Return an amount from the query string as typed, or "" when it is not an amount in yuan."""
    text = (request.args.get(name) or "").strip()[:20]
    return text if parse_yuan(text) is not None else ""


def _newest_first(stmt, cursor: str | None) -> Page:
    """Return one page of listings, newest first, after the cursor (keyset on the id)."""
    if cursor:
        stmt = stmt.where(Listing.id < decode_cursor(cursor))
    rows = list(db.session.scalars(stmt.order_by(None).order_by(Listing.id.desc()).limit(PER_PAGE + 1)))
    more = len(rows) > PER_PAGE
    rows = rows[:PER_PAGE]
    return Page(rows, encode_cursor(rows[-1].id) if more and rows else None)


# --- one listing -------------------------------------------------------------------------------------

@bp.route("/<listing_code>")
def detail(listing_code):
    """Show a listing by its public code, with the claim or pledge form."""
    return _render_detail(service.listing_by_code(g.user, listing_code))


def _render_detail(listing: Listing, claim_form: ClaimForm | None = None, pledge_form: PledgeForm | None = None,
                   status: int = 200):
    user = g.user
    may_manage = service.may_manage(user, listing)
    return render_template(
        "wishes/detail.html", listing=listing, household=listing.beneficiary, may_manage=may_manage,
        coverage=pledges.coverage(listing) if listing.kind == ListingKind.HOUSEHOLD_NEED else None,
        show_thanks=service.may_read_thanks(user, listing), my_claim=claims.active_claim_of(user, listing),
        staff_link=url_for("wishes.listing", listing_id=listing.id) if may_manage else None,
        claim_form=claim_form or _claim_form(), pledge_form=pledge_form or _pledge_form(listing),
        button=EmptyForm(), costs=costs_of(listing), givers=giver_counts([listing.id]).get(listing.id, 0),
        updates=updates_of(listing) if listing.is_public else [], preview=preview(listing)), status


def preview(listing: Listing) -> dict | None:
    """The page preview a shared link shows (Open Graph): public words and the public photo only."""
    if not listing.is_public:
        return None
    image = (site_url("wishes.photo", listing_code=listing.public_code) if listing.public_photo_path
             else site_url("static", filename="img/listing-preview.png"))
    words = " ".join(listing.story.split()) or _("A household verified by social workers asks for help.")
    return {"title": listing.title, "description": words[:197] + "…" if len(words) > 200 else words,
            "url": site_url("wishes.detail", listing_code=listing.public_code), "image": image}


def _claim_form() -> ClaimForm:
    form = ClaimForm()
    firms = [m.organisation for m in (g.user.memberships if g.user else []) if m.organisation.kind == OrgKind.FIRM]
    form.organisation_id.choices = [("", _("Myself"))] + name_choices(firms)
    return form


def _pledge_form(listing: Listing) -> PledgeForm:
    form = PledgeForm()
    orgs = [m.organisation for m in (g.user.memberships if g.user else [])]
    form.organisation_id.choices = [("", _("Myself"))] + name_choices(orgs)
    return form


@bp.route("/<listing_code>/photo")
def photo(listing_code):
    """Send a public listing's photo (the copy without metadata)."""
    return send_public_photo(service.public_listing(listing_code).public_photo_path)


def send_public_photo(stored_name: str):
    """Send a re-encoded public photo (a JPEG without metadata) by its stored name; 404 when there is none."""
    if not stored_name:
        abort(404)
    try:
        data = uploads.path_of(stored_name).read_bytes()
    except OSError:
        abort(404)
    return send_file(io.BytesIO(data), mimetype="image/jpeg")


@bp.post("/<listing_code>/claim")
@login_required
def claim(listing_code):
    """Claim a micro-wish: in kind, for yourself or for your firm."""
    listing = service.listing_by_code(g.user, listing_code)
    form = _claim_form()
    if form.validate_on_submit():
        try:
            claims.claim_wish(listing.id, g.user, form.method.data, form.organisation_id.data)
        except DomainError as error:
            return _refused(error, listing.public_code, claim_form=form)
        flash(_("The wish is yours to fulfil before the deadline: bring the item to the station, or pay its value "
                "online if you chose money."), "success")
        return redirect(url_for("wishes.detail", listing_code=listing.public_code))
    return _render_detail(listing, claim_form=form, status=422)


@bp.post("/<listing_code>/pledge")
@login_required
def pledge(listing_code):
    """Pledge part of a household need's budget, in yuan."""
    listing = service.listing_by_code(g.user, listing_code)
    form = _pledge_form(listing)
    if form.validate_on_submit():
        try:
            pledges.pledge(listing.id, g.user, form.amount.data, form.organisation_id.data)
        except DomainError as error:
            if "amount_fen" in error.fields:  # the form takes yuan in `amount`
                error.fields = {"amount" if k == "amount_fen" else k: v for k, v in error.fields.items()}
            return _refused(error, listing.public_code, pledge_form=form)
        flash(_("Thank you: your pledge is recorded. You can pay it from your page of claims and pledges."),
              "success")
        return redirect(url_for("wishes.detail", listing_code=listing.public_code))
    return _render_detail(listing, pledge_form=form, status=422)


def _refused(error: DomainError, code: str, **forms):
    """Show the page again with why: field messages on the form, a conflict's message at the top."""
    if not isinstance(error, InvalidInput | Conflict):
        raise error
    if isinstance(error, Conflict):
        flash(str(error.message), "error")
    for form in forms.values():
        if isinstance(error, InvalidInput) or error.fields:
            apply_errors(form, error)
    return _render_detail(service.listing_by_code(g.user, code), status=error.status, **forms)


# --- the donor's page --------------------------------------------------------------------------------

@bp.route("/my")
@login_required
def mine():
    """The donor's claims and pledges, and the thanks for the wishes that came true."""
    my_claims = db.session.scalars(claims.claims_of(g.user).options(selectinload(WishClaim.listing))
                                   .limit(100)).all()
    my_pledges = db.session.scalars(pledges.pledges_of(g.user).options(selectinload(Pledge.listing))
                                    .limit(100)).all()
    return render_template("wishes/mine.html", claims=my_claims, pledges=my_pledges, button=EmptyForm(),
                           done=DONE, ClaimStatus=ClaimStatus, PledgeStatus=PledgeStatus)


@bp.post("/claims/<int:wish_claim_id>/release")
@login_required
def release_claim(wish_claim_id):
    """Give a claim up so someone else can fulfil the wish."""
    return _button(lambda: claims.release_claim(wish_claim_id, g.user),
                   _("The claim is released; the wish is open to others again."))


@bp.post("/pledges/<int:pledge_id>/withdraw")
@login_required
def withdraw_pledge(pledge_id):
    """Take back a pledge not yet paid."""
    return _button(lambda: pledges.withdraw_pledge(pledge_id, g.user), _("Your pledge is withdrawn."))


def _button(action, done: str):
    """Run a donor's button on the page of claims and pledges, and say how it went.

    NotFound (someone else's claim or pledge) goes on to the 404 page.
    """
    form = EmptyForm()
    if not form.validate_on_submit():
        flash_errors(form.errors)
    else:
        try:
            action()
        except Conflict as error:
            db.session.rollback()
            flash(str(error.message), "error")
        else:
            flash(done, "success")
    return redirect(url_for("wishes.mine"))
