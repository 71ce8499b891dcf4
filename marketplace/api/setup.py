"""Bind the JSON API to the app: flask-smorest with bearer tokens, every domain's blueprint, the docs."""
from __future__ import annotations

from flask import Flask

from marketplace.api.base import api
from marketplace.api.docs import bp as docs_bp
from marketplace.api.errors import ErrorResponses
from marketplace.auth.api import blp as me_blp
from marketplace.exchanges.figures_api import blp as exchanges_blp
from marketplace.exchanges.post_api import blp as exchange_posts_blp
from marketplace.funds.api import blp as funds_blp
from marketplace.meals.api import blp as meals_blp
from marketplace.meals.counter_api import blp as meals_counter_blp
from marketplace.orgs.api import blp as orgs_blp
from marketplace.payments.api import blp as donations_blp
from marketplace.referrals.api import blp as referrals_blp
from marketplace.timebank.activities.api import blp as activities_blp
from marketplace.timebank.care.api import blp as care_blp
from marketplace.timebank.hours.api import blp as hours_blp
from marketplace.wishes.api import blp as wishes_blp
from marketplace.wishes.households_api import blp as households_blp

DESCRIPTION = (
    "Every failure answers in one shape, the `Error` schema, with a message in the caller's language "
    "(Accept-Language) and the fields at fault. Each operation lists the statuses it can answer with; 429 and 503 "
    "carry Retry-After, 405 carries Allow. Text anywhere in a request (path, query, headers or body) may not hold "
    "NUL characters or unpaired surrogates, which no database stores: such a request is refused (400, or 422 naming "
    "the field).")


def init_api(app: Flask) -> None:
    api.init_app(app, spec_kwargs={"extra_plugins": [ErrorResponses()], "info": {"description": DESCRIPTION},
                                   "components": {"securitySchemes": {"token": {"type": "http", "scheme": "bearer"}}}})
    for blp in (me_blp, orgs_blp, activities_blp, hours_blp, care_blp, wishes_blp, households_blp, funds_blp,
                donations_blp, referrals_blp, meals_blp, meals_counter_blp, exchange_posts_blp, exchanges_blp):
        api.register_blueprint(blp)
    app.register_blueprint(docs_bp)
