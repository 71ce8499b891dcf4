"""The page of payment events left for people (platform admins): unmatched or unsettled webhooks and
refunds Stripe would not take, each settled by hand with a note."""
from __future__ import annotations

from flask import flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import fresh_login_required, login_required
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import InputRequired, Length

from marketplace.orgs.policy import require
from marketplace.payments import attention
from marketplace.payments.views import bp
from marketplace.platform.errors import Conflict, InvalidInput
from marketplace.platform.extensions import db


class SettleForm(FlaskForm):
    note = StringField(_l("What was done"), [InputRequired(), Length(max=300)])


@bp.route("/attention")
@login_required
def attention_list():
    """List payment events waiting for people, and the latest settled ones."""
    require(g.user, "admin.access")
    waiting = db.session.scalars(attention.unsettled(g.user)).all()
    settled = db.session.scalars(attention.unsettled(g.user, settled=True).limit(50)).all()
    return render_template("payments/attention.html", waiting=waiting, settled=settled, form=SettleForm(formdata=None))


@bp.post("/attention/<int:payment_event_id>/settle")
@fresh_login_required
def attention_settle(payment_event_id):
    """Mark one event settled, with what was done."""
    require(g.user, "admin.access")
    form = SettleForm()
    try:
        attention.settle(g.user, payment_event_id, form.note.data if form.validate_on_submit() else None)
    except (Conflict, InvalidInput) as error:
        db.session.rollback()
        flash(" ".join(str(m) for v in error.fields.values() for m in v) or str(error.message), "error")
    else:
        flash(_("The event is settled."), "success")
    return redirect(url_for("payments.attention_list"))
