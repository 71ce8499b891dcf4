"""Pages of agreements between members: propose from a post, my agreements, one agreement with the buttons
its reader may press (for themselves, or a coordinator for a side), and the coordinators' approvals and
disputes."""
from __future__ import annotations

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from sqlalchemy import select

from config import settings
from marketplace.exchanges import agreements, endorsements, transfer
from marketplace.exchanges import figures as exchange_figures
from marketplace.exchanges.access import coordinated_orgs, is_coordinator, member_record, memberships
from marketplace.exchanges.agreement_forms import (
    ActingForm,
    ConfirmForm,
    CoordinatorNoteForm,
    EndorseForm,
    MinutesForm,
    NoteForm,
    ProposeForm,
    ReasonForm,
    SettleForm,
)
from marketplace.exchanges.labels import CATEGORIES, PLACES, POST_KINDS
from marketplace.exchanges.models import AgreementStatus, ExchangeAgreement, ExchangeMember, ExchangePost
from marketplace.exchanges.views import bp
from marketplace.orgs.models import District
from marketplace.platform.errors import DomainError, Forbidden, InvalidInput, NotFound
from marketplace.platform.extensions import db
from marketplace.platform.ids import as_id
from marketplace.platform.timeutil import from_local
from marketplace.web.forms import save_or_show
from marketplace.web.http_cache import public_cache

AS = AgreementStatus
WORDS = {"category": CATEGORIES, "place": PLACES, "kind": POST_KINDS}


def _post(code) -> ExchangePost:
    """An open post the reader may answer: a member of its exchange, or one of its coordinators."""
    post = db.session.scalar(select(ExchangePost).where(ExchangePost.code == code)) if (
        isinstance(code, str) and code.isalnum() and len(code) <= 12) else None
    org_id = post.organisation_id if post is not None else None
    if org_id is None or not (member_record(g.user, org_id) or is_coordinator(g.user, org_id)):
        raise NotFound()
    return post


def _for_choices(post: ExchangePost) -> list[tuple[str, str]]:
    """Whom the reader may propose for: themselves, and (a coordinator) any other member of the exchange."""
    own = member_record(g.user, post.organisation_id)
    choices = [(str(own.id), _("Myself"))] if own is not None and own.id != post.member_id else []
    if is_coordinator(g.user, post.organisation_id):
        others = db.session.scalars(select(ExchangeMember).where(
            ExchangeMember.organisation_id == post.organisation_id, ExchangeMember.id != post.member_id,
            ExchangeMember.user_id != g.user.id).order_by(ExchangeMember.id).limit(500))
        choices += [(str(m.id), m.user.display_name) for m in others]
    return choices


def _chosen(value, org_id: int) -> ExchangeMember | None:
    """The member a form acts for: the one named (checked by the service), else the reader's own membership."""
    if value:  # named: that member (checked by the service), and nobody when the name is not an id
        member_id = as_id(value)
        found = db.session.get(ExchangeMember, member_id) if member_id is not None else None
        return found if found is not None and found.organisation_id == org_id else None
    return member_record(g.user, org_id)


@bp.route("/posts/<post_code>/agree", methods=["GET", "POST"])
@login_required
def agree(post_code):
    """Propose a time and minutes to the member of a post (a coordinator may propose for a member)."""
    post = _post(post_code)
    form = ProposeForm()
    form.for_member.choices = _for_choices(post)
    if not form.is_submitted():
        form.minutes.data = post.minutes

    def act():
        member = _chosen(form.for_member.data, post.organisation_id)
        if member is None:
            raise InvalidInput(fields={"for_member": [_l("Choose the member you propose for.")]})
        return agreements.propose(g.user, member, post, from_local(form.starts_at.data), form.minutes.data,
                                  form.note.data or "")

    return save_or_show(form, act, _("Sent. They are told and answer on the agreement's page."),
                        lambda a: url_for("exchanges.agreement", agreement_code=a.code),
                        "exchanges/agreements/propose.html", post=post, words=WORDS)


@bp.route("/agreements")
@login_required
def my_agreements():
    """The reader's agreements, open ones first."""
    mine = memberships(g.user)
    rows = agreements.agreements_of([m.id for m in mine])
    return render_template("exchanges/agreements/mine.html", rows=rows, mine={m.id for m in mine},
                           balance=transfer.balance_of(mine[0]) if mine else None,
                           allowance=settings.EXCHANGE_ALLOWANCE_MINUTES, signed_hours=transfer.signed_hours,
                           coordinates=bool(coordinated_orgs(g.user)))


def _steps(agreement: ExchangeAgreement, member: ExchangeMember) -> list[str]:
    """The buttons a side may press now (the services still check every rule)."""
    side, status = agreements.side_of(agreement, member), agreement.status
    asked = agreement.proposed_by_id == member.id
    steps = []
    if status == AS.PROPOSED:
        steps += ["cancel"] if asked else ["accept", "decline"]
    if status in (AS.AWAITING_APPROVAL, AS.AGREED):
        steps.append("cancel")
    if status == AS.AGREED:
        steps += ["claim", "dispute"] if side == "giver" else ["confirm", "dispute"]
    if status == AS.CLAIMED and side == "receiver":
        steps += ["confirm", "dispute"]
    if status == AS.CONFIRMED and member.id not in endorsements.written_by([member.id], agreement.id):
        steps.append("endorse")
    return steps


@bp.route("/agreements/<agreement_code>")
@login_required
def agreement(agreement_code):
    """One agreement: its state in words, time, minutes, both notes, and the reader's buttons."""
    return _page(agreements.get_agreement(g.user, agreement_code))


def _page(found: ExchangeAgreement, typed: dict | None = None, errors: list[str] | None = None):
    """The agreement's page; after a refused button, with what was typed in it (`typed`: its step, the member it
    was for and its fields, shown again in that form) and why it was refused (`errors`), answered 422."""
    coordinator = is_coordinator(g.user, found.organisation_id)
    sides = []
    for member in (found.giver, found.receiver):
        own = member.user_id == g.user.id
        if own or coordinator:
            sides.append((member, own, _steps(found, member), transfer.balance_of(member)))
    page = render_template(
        "exchanges/agreements/agreement.html", a=found, sides=sides, coordinator=coordinator, words=WORDS,
        state=ExchangeAgreement.machine.label(found.status), signed_hours=transfer.signed_hours,
        typed=typed or {}, errors=errors or [],
        forms={"note": NoteForm(formdata=None), "reason": ReasonForm(formdata=None),
               "minutes": MinutesForm(formdata=None), "confirm": ConfirmForm(formdata=None),
               "endorse": EndorseForm(formdata=None), "settle": SettleForm(formdata=None),
               "coordinator": CoordinatorNoteForm(formdata=None)})
    return (page, 422) if errors else page


def _run(found: ExchangeAgreement, step: str, form, action, done: str):
    """Run one button of the agreement's page: on success say so and go back to the page; refused, show the page
    again with what was typed in that button's form and why (nothing of it is kept)."""
    if form.validate_on_submit():
        try:
            action(form)
        except NotFound:
            db.session.rollback()
            raise
        except DomainError as error:
            db.session.rollback()
            fields = error.fields or {}
            errors = [str(m) for messages in fields.values() for m in messages] or [str(error.message)]
        else:
            flash(done, "success")
            return redirect(_back(found.code))
    else:
        errors = [str(m) for messages in form.errors.values() for m in messages]
    typed = {key: value for key, value in request.form.items() if key != "csrf_token"}
    return _page(found, {**typed, "step": step}, errors)


def _back(code) -> str:
    return url_for("exchanges.agreement", agreement_code=code)


def _step(code, step: str, form, action, done: str):
    """Run one side's button: for the reader's own side, or a coordinator for the side named."""
    found = agreements.get_agreement(g.user, code)  # missing and forbidden answer alike, before the form

    def run(f):
        member = _chosen(f.for_member.data, found.organisation_id)
        if member is None or (agreements.side_of(found, member) is None
                              and is_coordinator(g.user, found.organisation_id)):  # a coordinator, for nobody
            raise InvalidInput(fields={"for_member": [_l("Choose the member you act for.")]})
        return action(member, f)

    return _run(found, step, form, run, done)


@bp.post("/agreements/<agreement_code>/accept")
@login_required
def accept(agreement_code):
    """Accept a proposed agreement."""
    return _step(agreement_code, "accept", ActingForm(), lambda m, f: agreements.accept(g.user, m, agreement_code),
                 _("Accepted."))


@bp.post("/agreements/<agreement_code>/decline")
@login_required
def decline(agreement_code):
    """Say no to a proposed agreement."""
    return _step(agreement_code, "decline", NoteForm(), lambda m, f: agreements.decline(g.user, m, agreement_code,
                                                                              f.note.data or ""), _("Declined."))


@bp.post("/agreements/<agreement_code>/cancel")
@login_required
def cancel(agreement_code):
    """Call an agreement off before its time."""
    return _step(agreement_code, "cancel", NoteForm(), lambda m, f: agreements.cancel(g.user, m, agreement_code,
                                                                             f.note.data or ""), _("Called off."))


@bp.post("/agreements/<agreement_code>/claim")
@login_required
def claim(agreement_code):
    """Say how many minutes were served (the giver)."""
    return _step(agreement_code, "claim", MinutesForm(), lambda m, f: agreements.claim(
        g.user, m, agreement_code, f.minutes.data, f.note.data or ""),
        _("Sent: the receiver is asked to confirm the minutes."))


@bp.post("/agreements/<agreement_code>/confirm")
@login_required
def confirm(agreement_code):
    """Confirm the minutes (the receiver): they move at once."""
    return _step(agreement_code, "confirm", ConfirmForm(), lambda m, f: agreements.confirm(
        g.user, m, agreement_code, f.minutes.data), _("Confirmed: the minutes have moved."))


@bp.post("/agreements/<agreement_code>/dispute")
@login_required
def dispute(agreement_code):
    """Disagree: a coordinator reads both sides' notes and decides."""
    return _step(agreement_code, "dispute", ReasonForm(), lambda m, f: agreements.dispute(
        g.user, m, agreement_code, f.note.data), _("Sent to a coordinator, who will decide."))


@bp.post("/agreements/<agreement_code>/endorse")
@login_required
def endorse(agreement_code):
    """Write a few words about the other side of a done exchange."""
    return _step(agreement_code, "endorse", EndorseForm(), lambda m, f: endorsements.endorse(
        g.user, m, agreement_code, f.text.data), _("Thank you: your words are on their profile."))


# --- coordinators ------------------------------------------------------------------------------------------

def _coordinating(code) -> ExchangeAgreement:
    found = agreements.get_agreement(g.user, code)
    if not is_coordinator(g.user, found.organisation_id):
        raise NotFound()
    return found


@bp.post("/agreements/<agreement_code>/approve")
@login_required
def approve(agreement_code):
    """Approve a new member's exchange (a coordinator)."""
    found = _coordinating(agreement_code)
    return _run(found, "approve", CoordinatorNoteForm(), lambda f: agreements.approve(
        g.user, agreement_code, f.note.data or ""), _("Approved."))


@bp.post("/agreements/<agreement_code>/refuse")
@login_required
def refuse(agreement_code):
    """Do not approve a new member's exchange, saying why (a coordinator)."""
    found = _coordinating(agreement_code)
    return _run(found, "refuse", ReasonForm(), lambda f: agreements.refuse(g.user, agreement_code, f.note.data),
                _("Not approved; both sides are told why."))


@bp.post("/agreements/<agreement_code>/settle")
@login_required
def settle(agreement_code):
    """Settle a dispute: move some minutes, or none (a coordinator)."""
    found = _coordinating(agreement_code)
    return _run(found, "settle", SettleForm(), lambda f: agreements.settle_dispute(
        g.user, agreement_code, f.minutes.data if f.outcome.data == "minutes" else None, f.note.data),
        _("Settled; both sides are told."))


def _waiting(status: AgreementStatus, template: str):
    orgs = coordinated_orgs(g.user)
    if not orgs:
        raise Forbidden()
    return render_template(template, rows=agreements.waiting_for_coordinators(orgs, status),
                           settle_form=SettleForm(formdata=None), note_form=CoordinatorNoteForm(formdata=None),
                           reason_form=ReasonForm(formdata=None), signed_hours=transfer.signed_hours,
                           balance_of=transfer.balance_of)


@bp.route("/coordinate/approvals")
@login_required
def approvals():
    """New members' exchanges waiting for a coordinator's approval."""
    return _waiting(AS.AWAITING_APPROVAL, "exchanges/agreements/approvals.html")


@bp.route("/coordinate/disputes")
@login_required
def disputes():
    """Disputed exchanges, with both sides' notes and a form to settle each."""
    return _waiting(AS.DISPUTED, "exchanges/agreements/disputes.html")


# --- public figures ----------------------------------------------------------------------------------------

@bp.route("/figures")
@public_cache()
def figures():
    """Exchanges done and hours traded by category and district, no names (anyone)."""
    districts = exchange_figures.by_district()
    named = {d.id: d for d in db.session.scalars(select(District).where(District.id.in_([r.key for r in districts])))}
    return render_template("exchanges/agreements/figures.html", total=exchange_figures.totals(),
                           categories=exchange_figures.by_category(), districts=districts, named=named,
                           least=settings.REFERRALS_KEEP_PUBLIC_MIN, words=WORDS)
