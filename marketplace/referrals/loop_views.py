"""Pages of the referral loop: record a need, a referral's page with its answers and actions, the
organisation's inbox, and the household's own link (ask for help, follow it, give feedback)."""
from __future__ import annotations

import io

from flask import abort, g, make_response, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy import select

from marketplace.auth.forms import EmptyForm
from marketplace.funds.models import Disbursement, Fund
from marketplace.orgs.models import Organisation
from marketplace.platform.errors import NotFound
from marketplace.platform.extensions import db, limiter
from marketplace.platform.ids import as_id, is_id
from marketplace.platform.links import site_url
from marketplace.referrals import dispatch, feedback, household_link, processing, service
from marketplace.referrals.access import get_household, get_referral, may_manage_household, may_read_referral
from marketplace.referrals.labels import ACTIONS, ANSWERS, NEED_KINDS, SOURCES, URGENCIES
from marketplace.referrals.loop_forms import (
    AskForm,
    CareTaskForm,
    CashForm,
    DispatchForm,
    DoneForm,
    FeedbackForm,
    FileForm,
    InKindForm,
    IntakeForm,
    NoteForm,
    ReasonForm,
    WishForm,
)
from marketplace.referrals.models import AssistanceItem, HouseholdCare, IntakeSource, Referral, ReferralStatus
from marketplace.referrals.views import bp
from marketplace.web import uploads
from marketplace.web.forms import save_or_show, submit_and_return
from marketplace.web.names import local_name
from marketplace.web.qr import qr_svg

R = ReferralStatus
WORDS = {"need_kind": NEED_KINDS, "urgency": URGENCIES, "source": SOURCES, "answer": ANSWERS, "action": ACTIONS}


def household_section(care: HouseholdCare, user) -> dict:
    """What `_household_referrals.html` reads, for the household page: its referrals and what the user may do."""
    return {"care": care, "referrals": service.referrals_of(care), "may_manage": may_manage_household(user, care),
            "state_label": Referral.machine.label, "words": WORDS, "button": EmptyForm()}


def _item_choices() -> list[tuple[str, str]]:
    items = db.session.scalars(select(AssistanceItem).where(AssistanceItem.is_active.is_(True))
                               .order_by(AssistanceItem.need_kind, AssistanceItem.code))
    return [("", _("(not sure)"))] + [(str(i.id), local_name(i)) for i in items]


@bp.route("/households/<int:household_id>/intake", methods=["GET", "POST"])
@login_required
def intake(household_id):
    """Record a household's need (a social worker, staff or its visitor)."""
    care = get_household(g.user, household_id)
    form = IntakeForm()
    form.item_id.choices = _item_choices()
    source = IntakeSource.SOCIAL_WORKER if may_manage_household(g.user, care) else IntakeSource.VISIT
    return save_or_show(
        form, lambda: service.intake(g.user, care.beneficiary_id, source=source, **_fields(form, IntakeForm)),
        _("The need is recorded and waits for dispatch."),
        lambda referral: url_for("referrals.referral", referral_id=referral.id),
        "referrals/intake.html", care=care)


def _as_id(value):
    """A typed id as a whole number (the services take ids as ints); anything else as it came, for the
    service to refuse by name."""
    found = as_id(value)
    return found if found is not None else value


def _fields(form, cls) -> dict:
    names = [n for n in ("need_kind", "item_id", "urgency", "description", "private_details", "proxy_name")
             if hasattr(cls, n)]
    fields = {n: getattr(form, n).data or "" for n in names}
    if "item_id" in fields:
        fields["item_id"] = _as_id(fields["item_id"]) if fields["item_id"] else None
    return fields


@bp.post("/households/<int:household_id>/link")
@login_required
def household_link_new(household_id):
    """Make the household's private link (replacing the old) and show it with its QR code, once."""
    care, token = household_link.make_link(g.user, household_id)
    url = site_url("referrals.ask", token=token)
    svg = qr_svg(url, scale=4)
    return render_template("referrals/intake_link.html", care=care, url=url, svg=svg)


# --- the household's own link ------------------------------------------------------------------------

def _linked(token) -> HouseholdCare | None:
    try:
        return household_link.household_for(token)
    except NotFound:
        return None


def _dead_link():
    return render_template("referrals/ask_dead.html"), 400


@bp.route("/ask/<token>", methods=["GET", "POST"])
@limiter.limit("20 per hour", methods=["POST"])
def ask(token):
    """The household's own page: ask for help, follow its referrals, give feedback on done ones."""
    care = _linked(token)
    if care is None:
        return _dead_link()
    form = AskForm()
    return _private(save_or_show(
        form, lambda: service.intake(None, care.beneficiary_id, source=IntakeSource.HOUSEHOLD,
                                     **_fields(form, AskForm)),
        _("Thank you. Your request is recorded; your social worker will follow it up."),
        url_for("referrals.ask", token=token), "referrals/ask.html", care=care, token=token,
        referrals=service.referrals_of(care), feedback_form=FeedbackForm(formdata=None),
        state_label=Referral.machine.label, words=WORDS))


def _private(answer):
    """The household's page is theirs alone: no shared cache keeps it, whoever is (not) logged in."""
    response = make_response(answer)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/ask/feedback/<int:referral_id>/<token>")
@limiter.limit("20 per hour")
def ask_feedback(token, referral_id):
    """The household says whether a done referral met its need."""
    care = _linked(token)
    if care is None:
        return _dead_link()
    return submit_and_return(FeedbackForm(), lambda f: feedback.give_feedback(
        None, referral_id, household=care, **_feedback(f)), url_for("referrals.ask", token=token),
        _("Thank you for telling us."))


def _feedback(form) -> dict:
    solved = {"yes": True, "no": False}.get(form.solved.data)
    satisfaction = int(form.satisfaction.data) if form.satisfaction.data else None
    return {"solved": solved, "satisfaction": satisfaction, "note": form.note.data or ""}


# --- a referral's page and its buttons -------------------------------------------------------------

@bp.route("/<int:referral_id>")
@login_required
def referral(referral_id):
    """Show a referral: its state, due date, who has it, answers, actions and what the reader may do."""
    found = get_referral(g.user, referral_id)
    care = found.household
    manages, owns = may_manage_household(g.user, care), processing.is_owner(g.user, found)
    sent_forms = dispatch.dispatches_of(found)
    mine = [d for d in sent_forms if d.answer == "open" and dispatch.is_staff(g.user, d.organisation_id)]
    dispatch_form = DispatchForm()
    if manages and found.status == R.NEW:
        dispatch_form.organisation_ids.choices = _org_choices(found)
        dispatch_form.owner_id.choices = _owner_choices(found)
    cash_form = CashForm()
    if owns:
        cash_form.fund_id.choices = [(str(f.id), local_name(f)) for f in db.session.scalars(
            select(Fund).where(Fund.organisation_id == found.organisation_id, Fund.is_open.is_(True)))]
    return render_template(
        "referrals/referral.html", referral=found, care=care, manages=manages, owns=owns,
        dispatches=sent_forms, mine=mine, actions=processing.actions_of(found) if manages or owns else [],
        cash=processing.cash_of(found) if manages or owns else [], state_label=Referral.machine.label,
        disbursement_state=Disbursement.machine.label,
        words=WORDS, dispatch_form=dispatch_form, reason_form=ReasonForm(), note_form=NoteForm(),
        in_kind_form=InKindForm(), cash_form=cash_form, file_form=FileForm(), done_form=DoneForm(),
        feedback_form=FeedbackForm(formdata=None), may_feedback=feedback.may_give_feedback(g.user, found),
        wish_form=WishForm(formdata=None), care_form=CareTaskForm(formdata=None))


def _org_choices(found: Referral) -> list[tuple[str, str]]:
    suggested = dispatch.suggestions(found)
    others = db.session.scalars(select(Organisation).where(
        Organisation.district_id == found.district_id, Organisation.id.not_in([o.id for o in suggested]),
        Organisation.kind != "firm").order_by(Organisation.name_zh))
    return ([(str(o.id), _("%(name)s (offers this)", name=local_name(o))) for o in suggested]
            + [(str(o.id), local_name(o)) for o in others])


def _owner_choices(found: Referral) -> list[tuple[str, str]]:
    """Staff of the suggested organisations, to name who is expected to handle the referral."""
    people = [(o, p) for o in dispatch.suggestions(found) for p in dispatch.staff_of(o.id)]
    return [("", _("(whoever accepts)"))] + [(str(p.id), f"{p.display_name} · {local_name(o)}") for o, p in people]


def _back(referral_id) -> str:
    return url_for("referrals.referral", referral_id=referral_id)


def _button(form, referral_id, action, done: str):
    get_referral(g.user, referral_id)  # missing and forbidden answer alike, before the form is read
    return submit_and_return(form, action, _back(referral_id), done, passes=(NotFound,))


@bp.post("/<int:referral_id>/dispatch")
@login_required
def send(referral_id):
    """Send a waiting referral to the chosen organisations."""
    found = get_referral(g.user, referral_id)
    form = DispatchForm()
    form.organisation_ids.choices = _org_choices(found)
    return _button(form, referral_id, lambda f: dispatch.dispatch(
        g.user, referral_id, [_as_id(v) for v in f.organisation_ids.data], _as_id(f.owner_id.data or None)),
                   _("Sent. The organisations are told and answer on their inbox."))


def _answered(dispatch_id):
    found = db.session.get(dispatch.ReferralDispatch, dispatch_id) if is_id(dispatch_id) else None
    if found is None or not dispatch.is_staff(g.user, found.organisation_id):
        abort(404)
    return found


@bp.post("/dispatches/<int:dispatch_id>/accept")
@login_required
def accept(dispatch_id):
    """Accept a referral sent to one's organisation: it is ours to handle."""
    sent = _answered(dispatch_id)
    return _button(EmptyForm(), sent.referral_id, lambda f: dispatch.accept(g.user, sent.id),
                   _("Accepted: your organisation handles this referral now."))


@bp.post("/dispatches/<int:dispatch_id>/decline")
@login_required
def decline(dispatch_id):
    """Decline a referral sent to one's organisation, saying why."""
    sent = _answered(dispatch_id)
    return submit_and_return(ReasonForm(), lambda f: dispatch.decline(g.user, sent.id, f.reason.data),
                             url_for("referrals.inbox"),
                             _("Declined. The household's organisation will send it elsewhere."))


@bp.post("/<int:referral_id>/cancel")
@login_required
def cancel(referral_id):
    """Cancel a referral not yet accepted, saying why."""
    return _button(ReasonForm(), referral_id, lambda f: dispatch.cancel(g.user, referral_id, f.reason.data),
                   _("Cancelled."))


@bp.post("/<int:referral_id>/note")
@login_required
def note(referral_id):
    """Write a note on a referral."""
    return _button(NoteForm(), referral_id, lambda f: processing.add_note(g.user, referral_id, f.text.data),
                   _("Saved."))


@bp.post("/<int:referral_id>/in-kind")
@login_required
def in_kind(referral_id):
    """Record goods or services given at a declared value."""
    return _button(InKindForm(), referral_id, lambda f: processing.give_in_kind(
        g.user, referral_id, what=f.what.data, value_fen=f.value.data), _("Saved."))


@bp.post("/<int:referral_id>/cash")
@login_required
def cash(referral_id):
    """Pay charity cash out of one of the organisation's funds, with the receipt."""
    return _button(CashForm(), referral_id, lambda f: processing.pay_cash(
        g.user, referral_id, fund_id=_as_id(f.fund_id.data), payee=f.payee.data, purpose=f.purpose.data,
        amount_fen=f.amount.data, evidence_file=request.files.get("evidence")),
        _("The payment is recorded; above the second-person amount it waits for a colleague's approval."))


@bp.post("/<int:referral_id>/file")
@login_required
def attach(referral_id):
    """Keep a file on the referral, privately."""
    return _button(FileForm(), referral_id, lambda f: processing.attach(
        g.user, referral_id, upload=request.files.get("upload"), text=f.text.data or ""), _("Saved."))


@bp.route("/files/<int:referral_action_id>")
@login_required
def attachment(referral_action_id):
    """Download a file kept on a referral (those who read its notes)."""
    found = processing.attachment(g.user, referral_action_id)
    try:
        data, content_type = uploads.path_of(found.attachment_path).read_bytes(), found.attachment_type
    except OSError:
        abort(404)
    suffix = {"image/jpeg": ".jpg", "image/png": ".png", "application/pdf": ".pdf"}.get(content_type, "")
    return send_file(io.BytesIO(data), mimetype=content_type, download_name=f"referral-file-{found.id}{suffix}",
                     as_attachment=True)


@bp.post("/<int:referral_id>/done")
@login_required
def done(referral_id):
    """Report the referral done with its outcome; it waits for the household's feedback."""
    return _button(DoneForm(), referral_id, lambda f: processing.mark_done(g.user, referral_id, f.outcome.data),
                   _("Reported done. It closes when the household confirms."))


@bp.post("/<int:referral_id>/hand-back")
@login_required
def hand_back(referral_id):
    """Give the referral back to dispatch, saying why."""
    return _button(ReasonForm(), referral_id, lambda f: processing.hand_back(g.user, referral_id, f.reason.data),
                   _("Handed back for dispatch."))


@bp.post("/<int:referral_id>/feedback")
@login_required
def give_feedback(referral_id):
    """Give the household's feedback on a done referral (its social worker or organisation)."""
    return _button(FeedbackForm(), referral_id, lambda f: feedback.give_feedback(g.user, referral_id, **_feedback(f)),
                   _("Feedback recorded."))


@bp.post("/<int:referral_id>/reopen")
@login_required
def reopen(referral_id):
    """Reopen a closed referral, saying why."""
    return _button(ReasonForm(), referral_id, lambda f: feedback.reopen(g.user, referral_id, f.reason.data),
                   _("Reopened: it is back with its handlers."))


@bp.post("/<int:referral_id>/wish")
@login_required
def spawn_wish(referral_id):
    """Make a draft micro-wish or household need from the referral, linked both ways."""
    return _button(WishForm(), referral_id, lambda f: processing.spawn_listing(
        g.user, referral_id, kind=f.kind.data, title=f.title.data, story=f.story.data or "",
        value_fen=f.value.data or 0), _("A draft is made; finish and submit it from its own page."))


@bp.post("/<int:referral_id>/care")
@login_required
def spawn_care(referral_id):
    """Ask the time bank for a care task for the household, from the organisation's hour pool."""
    from marketplace.timebank.forms import to_utc

    return _button(CareTaskForm(), referral_id, lambda f: processing.spawn_care(
        g.user, referral_id, service=f.service.data, details=f.details.data or "",
        scheduled_at=to_utc(f.scheduled_at.data), minutes=f.minutes.data),
        _("The care task is posted for volunteers."))


@bp.app_template_global()
def referral_from(listing_id=None, care_request_id=None) -> Referral | None:
    """Return the referral a wish, need or care task was made from, when the reader may see it."""
    column, value = (Referral.listing_id, listing_id) if listing_id else (Referral.care_request_id, care_request_id)
    if not is_id(value) or g.get("user") is None:
        return None
    found = db.session.scalar(select(Referral).where(column == value))
    return found if found is not None and may_read_referral(g.user, found) else None


# --- the organisation's inbox ----------------------------------------------------------------------

@bp.route("/inbox")
@login_required
def inbox():
    """Referrals sent to the user's organisations, waiting for an answer, and those they handle, by due date."""
    orgs = dispatch.staff_organisations(g.user)
    ids = [o.id for o in orgs]
    waiting = dispatch.open_dispatches(ids)
    handled = list(db.session.scalars(select(Referral).where(
        Referral.organisation_id.in_(ids), Referral.status.in_([R.ACCEPTED.value, R.DONE.value]))
        .order_by(Referral.due_at, Referral.id))) if ids else []
    return render_template("referrals/inbox.html", orgs=orgs, waiting=waiting, handled=handled,
                           reason_form=ReasonForm(), state_label=Referral.machine.label, words=WORDS,
                           referral_of=lambda d: db.session.get(Referral, d.referral_id))
