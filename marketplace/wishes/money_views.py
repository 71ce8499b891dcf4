"""Staff buttons for a listing's money: propose or decide a cancellation that refunds or reallocates
what it received, and record a household need's co-funding share received from its source."""
from __future__ import annotations

from flask import g
from flask_babel import gettext as _
from flask_login import login_required

from marketplace.payments import shares
from marketplace.platform.errors import Conflict
from marketplace.wishes import cancellations
from marketplace.wishes.money_forms import CancelForm, DecideForm, ShareForm
from marketplace.wishes.staff_views import _act
from marketplace.wishes.views import bp


@bp.post("/listings/<int:listing_id>/cancel")
@login_required
def listing_cancel(listing_id):
    """Propose to cancel a listing holding money; another staff member confirms."""
    return _act(listing_id, CancelForm(), lambda listing, f: cancellations.propose(
        g.user, listing.id, f.action.data, f.reason.data),
        _("The cancellation is proposed. Another staff member must confirm it."))


@bp.post("/listings/<int:listing_id>/cancellation")
@login_required
def listing_decide_cancellation(listing_id):
    """Confirm (another staff member) or reject the listing's proposed cancellation."""
    form = DecideForm()
    confirm = form.decision.data == "confirm"

    def decide(listing, f):
        found = cancellations.open_cancellation(listing)
        if found is None:
            raise Conflict(_("No cancellation is waiting for a decision."))
        cancellations.decide(g.user, found.id, confirm)

    return _act(listing_id, form, decide, _("The listing is cancelled and its money settled.") if confirm
                else _("The cancellation is rejected."))


@bp.post("/listings/<int:listing_id>/shares")
@login_required
def listing_share(listing_id):
    """Record a household need's share received from the government, a charity or the family."""
    return _act(listing_id, ShareForm(), lambda listing, f: shares.record_share(
        g.user, listing.id, source=f.source.data, amount_fen=f.amount.data, received_on=f.received_on.data,
        reference=f.reference.data or ""), _("The share is recorded as money received."))
