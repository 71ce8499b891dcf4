"""The store's counter on a phone: type or scan a meal's code and read the answer in big words; today's counts.

Nothing of the person holding the code is shown: only whether to hand over the meal, and what it holds."""
from __future__ import annotations

from flask import g, render_template
from flask_babel import lazy_gettext as _l
from flask_login import login_required

from marketplace.meals import access, redemption, stores
from marketplace.meals.counter_forms import CounterForm
from marketplace.meals.redemption import Outcome
from marketplace.meals.views import bp
from marketplace.platform.extensions import limiter

# (words, colour) of each outcome: the colour is the page's class, the words are read from across the counter
ANSWERS = {
    Outcome.VALID: (_l("Give one meal"), "ok"),
    Outcome.USED: (_l("Already collected"), "stop"),
    Outcome.EXPIRED: (_l("Expired"), "stop"),
    Outcome.WRONG_STORE: (_l("Not this store's code"), "stop"),
    Outcome.NOT_YET: (_l("Not time yet"), "wait"),
    Outcome.UNKNOWN: (_l("No such code"), "stop"),
}


@bp.route("/stores/<int:meal_store_id>/counter", methods=["GET", "POST"])
@login_required
@limiter.limit("120 per minute", methods=["POST"])
def counter(meal_store_id):
    """Redeem a meal's code at the store's counter (any member of its firm) and show the answer."""
    store = access.get_store(g.user, meal_store_id, serve=True)
    form = CounterForm()
    result = None
    if form.validate_on_submit():
        result = redemption.redeem(g.user, store.id, form.code.data)
        form = CounterForm(formdata=None)  # empty, ready for the next code
    return render_template("meals/counter_page.html", store=store, form=form, result=result, answers=ANSWERS,
                           counts=stores.counts_today(store)), 422 if form.errors else 200
