"""The coordinators' board: reports to answer with their lights (the late first), answering them, and what
else waits for a coordinator."""
from __future__ import annotations

from flask import g, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from sqlalchemy import select

from config import settings
from marketplace.exchanges import agreements, lights, reports
from marketplace.exchanges.access import coordinated_orgs
from marketplace.exchanges.labels import REPORT_REASONS
from marketplace.exchanges.models import AgreementStatus, ExchangePost
from marketplace.exchanges.talk_forms import AnswerForm
from marketplace.exchanges.views import bp
from marketplace.platform.errors import Forbidden
from marketplace.platform.extensions import db
from marketplace.platform.timeutil import now_utc
from marketplace.web.forms import submit_and_return


def waiting_counts(user) -> list[tuple[str, int, str | None]]:
    """Other work waiting for the coordinator, as (words, count, link): new members' exchanges to approve and
    disputes to settle."""
    orgs = coordinated_orgs(user)
    return [(str(words), len(agreements.waiting_for_coordinators(orgs, status)), url_for(endpoint))
            for words, status, endpoint in (
                (_l("New members' exchanges waiting for approval"), AgreementStatus.AWAITING_APPROVAL,
                 "exchanges.approvals"),
                (_l("Disputes waiting to be settled"), AgreementStatus.DISPUTED, "exchanges.disputes"))]


@bp.route("/coordinate")
@login_required
def coordinate():
    """Show the reports waiting for an answer, late first, with an answer form for each."""
    if not coordinated_orgs(g.user):
        raise Forbidden()
    now = now_utc()
    lit = lights.board_order(reports.open_reports(g.user), now)
    posts = {p.id: p for p in db.session.scalars(select(ExchangePost).where(
        ExchangePost.id.in_({r.post_id for r, _shade in lit if r.post_id})))}
    return render_template("exchanges/board.html", lit=lit, counts=lights.counts(lit), posts=posts,
                           answered=reports.answered_reports(g.user), waiting=waiting_counts(g.user),
                           form=AnswerForm(formdata=None), reason_label=REPORT_REASONS,
                           hours_left=lambda r: lights.hours_left(r, now),
                           answer_hours=settings.EXCHANGE_REPORT_ANSWER_HOURS)


@bp.post("/reports/<int:exchange_report_id>/answer")
@login_required
def answer_report(exchange_report_id):
    """Answer a report, saying what was done."""
    reports.get_report(g.user, exchange_report_id)  # missing and forbidden answer alike, before the form is read
    return submit_and_return(AnswerForm(), lambda f: reports.answer(g.user, exchange_report_id, f.answer.data),
                             url_for("exchanges.coordinate"), _("Answered. The member who reported is told."))
