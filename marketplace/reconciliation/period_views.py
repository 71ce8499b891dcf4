"""Pages to close the books a month at a time: an organisation's (its staff see them, its finance staff close
them) and the platform's (admins).

A first POST with a month shows what the close would lock (the confirm step); a second POST with
`confirm=yes` closes it. Nothing is written until then.
"""
from __future__ import annotations

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import fresh_login_required
from sqlalchemy import select

from marketplace.auth.models import User
from marketplace.ledger import periods as ledger_periods
from marketplace.orgs.policy import can, require
from marketplace.orgs.service import get_organisation
from marketplace.platform.errors import Conflict, InvalidInput
from marketplace.platform.extensions import db
from marketplace.reconciliation import periods
from marketplace.reconciliation.period_forms import PeriodCloseForm
from marketplace.reconciliation.views import bp
from marketplace.web.forms import apply_errors


@bp.route("/orgs/<int:org_id>/periods", methods=["GET", "POST"])
@fresh_login_required
def org_periods(org_id):
    """List the organisation's closed periods and close the next one."""
    org = get_organisation(org_id)
    require(g.user, "org.manage_funds", org)
    return _page("organisation", org.id, org=org, may_close=can(g.user, "org.keep_books", org),
                 plan=lambda through: periods.plan_org_close(g.user, org, through),
                 close=lambda through, note: periods.close_org_period(g.user, org, through, note),
                 here=url_for("reconciliation.org_periods", org_id=org.id))


@bp.route("/platform/periods", methods=["GET", "POST"])
@fresh_login_required
def platform_periods():
    """List the platform's closed periods and close the next one (platform admins)."""
    require(g.user, "admin.access")
    return _page("platform", 0, org=None, may_close=True,
                 plan=lambda through: periods.plan_platform_close(g.user, through),
                 close=lambda through, note: periods.close_platform_period(g.user, through, note),
                 here=url_for("reconciliation.platform_periods"))


def _page(owner_type: str, owner_id: int, *, org, may_close: bool, plan, close, here: str):
    form = PeriodCloseForm()
    form.month.choices = [(m, m) for m in periods.closable_months(owner_type, owner_id)]
    status, confirm = 200, None
    if request.method == "POST":
        status = 422
        if form.validate_on_submit():
            through = periods.month_end(form.month.data)
            try:
                if form.confirm.data == "yes":
                    done = close(through, form.note.data or "")
                    flash(_("The books are closed through %(day)s. Nothing can now be posted on or before that "
                            "day; corrections go into the open period.", day=format_date(done.closed_through,
                                                                                          "long")), "success")
                    return redirect(here)
                confirm, status = plan(through), 200
            except (InvalidInput, Conflict) as error:
                db.session.rollback()
                error.fields = {("month" if k == "through" else k): v for k, v in error.fields.items()}
                apply_errors(form, error)
                status = error.status
    closes = ledger_periods.closes_of(owner_type, owner_id)
    actors = _names({c.actor_id for c in closes if c.actor_id})
    template = "reconciliation/period_confirm.html" if confirm else "reconciliation/periods.html"
    return render_template(template, org=org, form=form, plan=confirm, closes=closes, actors=actors,
                           closed_through=ledger_periods.closed_through_of(owner_type, owner_id),
                           here=here, may_close=may_close), status


def _names(ids: set[int]) -> dict[int, str]:
    """Return display names of the staff who closed periods, in one query."""
    if not ids:
        return {}
    return dict(db.session.execute(select(User.id, User.display_name).where(User.id.in_(ids))).all())
