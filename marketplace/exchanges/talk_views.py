"""Pages of members' messages: the list, a conversation (send, share contact details, block, report), starting a
conversation from a post, and a coordinator writing for a member who cannot use the site alone."""
from __future__ import annotations

from flask import g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy import select

from marketplace.exchanges import contacts, reports, talk
from marketplace.exchanges.access import acting_for, memberships
from marketplace.exchanges.labels import REPORT_REASONS
from marketplace.exchanges.models import ExchangeMember, ExchangePost, ExchangeReport
from marketplace.exchanges.talk_forms import ActingForm, MessageForm, ReportForm
from marketplace.exchanges.views import bp
from marketplace.platform.errors import DomainError, NotFound
from marketplace.platform.extensions import db, limiter
from marketplace.platform.ids import as_id
from marketplace.web.flash import flash_errors
from marketplace.web.forms import apply_errors, save_or_show, submit_and_return


def _member_arg() -> ExchangeMember | None:
    """The member a coordinator writes for (`member` in the query or form); None when not given.

    :raise NotFound: a value that names no member.
    """
    value = request.values.get("member") or None
    if value is None:
        return None
    found = db.session.get(ExchangeMember, as_id(value)) if as_id(value) else None
    if found is None:
        raise NotFound()
    return found


def _open(conversation_id):
    """Return (conversation, the side the reader talks as, or None when a coordinator reads a reported one)."""
    member = _member_arg()
    try:
        return talk.conversation_for(g.user, conversation_id, member)
    except NotFound:
        if member is not None:
            raise
    return reports.reported_conversation(g.user, conversation_id), None


def _thread_url(conversation_id, member: ExchangeMember | None) -> str:
    acting = member is not None and member.user_id != g.user.id
    return url_for("exchanges.thread", conversation_id=conversation_id, member=member.id if acting else None)


@bp.app_context_processor
def _message_button():
    """`may_message(post)` for the post page's message button (templates/exchanges/talk/_message_button.html)."""
    def may_message(post) -> bool:
        user = g.get("user")
        return (user is not None and post.status == "active"
                and any(m.organisation_id == post.organisation_id and m.id != post.member_id
                        for m in memberships(user)))
    return {"may_message": may_message}


@bp.route("/messages")
@login_required
def messages():
    """List the reader's conversations (or, for a coordinator, those of a member they write for)."""
    member = _member_arg()
    if member is not None:
        sides = [talk.speaking_as(g.user, member)]
    else:
        sides = [m for m in memberships(g.user) if m.user.is_active]
    return render_template(
        "exchanges/talk/messages.html", sides=[(m, talk.conversations_of(m), reports.reports_by(m)) for m in sides],
        acting=member if member is not None and member.user_id != g.user.id else None,
        written_for=talk.members_written_for(g.user), reason_label=REPORT_REASONS,
        report_state=ExchangeReport.machine.label)


@bp.route("/messages/<int:conversation_id>", methods=["GET", "POST"])
@login_required
@limiter.limit("30 per minute", methods=["POST"])
def thread(conversation_id):
    """Show a conversation and send a message in it."""
    conversation, me = _open(conversation_id)
    form = MessageForm()
    if request.method == "POST":
        if me is None:
            raise NotFound()
        if form.validate_on_submit():
            try:
                talk.send(g.user, me, conversation, form.body.data)
            except NotFound:
                raise
            except DomainError as error:  # refused: the page again, with what was typed and why
                db.session.rollback()
                apply_errors(form, error)
                return render_template("exchanges/talk/thread.html", **_thread(conversation, me, form)), error.status
            else:
                return redirect(_thread_url(conversation.id, me))
    elif me is not None:
        talk.mark_read(me, conversation)
    return render_template("exchanges/talk/thread.html", **_thread(conversation, me, form)), \
        422 if form.errors else 200


def _thread(conversation, me, form) -> dict:
    other = talk.other_of(conversation, me) if me is not None else None
    acting = me is not None and me.user_id != g.user.id
    if acting:
        form.member.data = str(me.id)
    if contacts.both_share(conversation):
        form.body.description = ""
    thread = talk.messages_of(conversation)
    writers = {m.written_by_id for m in thread}
    return dict(
        conversation=conversation, me=me, other=other, acting=acting, form=form,
        button=ActingForm(formdata=None, member=str(me.id) if acting else ""),
        rows=[(m, contacts.shown(conversation, m.body)) for m in thread],
        sides={conversation.first_id: conversation.first, conversation.second_id: conversation.second},
        writers={u.id: u for u in _users(writers)}, both_share=contacts.both_share(conversation),
        i_share=contacts.shares(conversation, me) if me is not None else False,
        other_shares=contacts.shares(conversation, other) if other is not None else False,
        phones=contacts.phones(conversation),
        blocked=talk.is_blocked(me.id, other.id) if me is not None else False,
        i_blocked=talk.has_blocked(me, other) if me is not None else False,
        about=reports.about_conversation(conversation) if me is None else [], reason_label=REPORT_REASONS,
        max_body=talk.MAX_BODY)


def _users(ids):
    from marketplace.auth.models import User

    return db.session.scalars(select(User).where(User.id.in_(ids))) if ids else []


def _button(conversation_id, action, done: str):
    conversation, me = _open(conversation_id)
    if me is None:
        raise NotFound()
    return submit_and_return(ActingForm(), lambda f: action(conversation, me), _thread_url(conversation.id, me),
                             done)


@bp.post("/messages/<int:conversation_id>/share")
@login_required
def share(conversation_id):
    """Agree to share contact details in the conversation."""
    return _button(conversation_id, lambda c, me: contacts.share(g.user, me, c),
                   _("You agreed to share. Phone numbers show once you both agree."))


@bp.post("/messages/<int:conversation_id>/unshare")
@login_required
def unshare(conversation_id):
    """Withdraw the agreement to share contact details."""
    return _button(conversation_id, lambda c, me: contacts.unshare(g.user, me, c),
                   _("Your contact details are hidden again."))


@bp.post("/messages/<int:conversation_id>/block")
@login_required
def block(conversation_id):
    """Block the other side: no more messages either way; they are not told."""
    return _button(conversation_id, lambda c, me: talk.block(g.user, me, talk.other_of(c, me)),
                   _("Blocked. You will not hear from this member, and you will not see each other's posts."))


@bp.post("/messages/<int:conversation_id>/unblock")
@login_required
def unblock(conversation_id):
    """Lift one's block of the other side."""
    return _button(conversation_id, lambda c, me: talk.unblock(g.user, me, talk.other_of(c, me)),
                   _("The block is lifted."))


@bp.route("/messages/<int:conversation_id>/report", methods=["GET", "POST"])
@login_required
def report(conversation_id):
    """Report the other side of a conversation to the coordinators."""
    conversation, me = _open(conversation_id)
    if me is None:
        raise NotFound()
    other = talk.other_of(conversation, me)
    form = ReportForm()
    if me.user_id != g.user.id:
        form.member.data = str(me.id)
    return save_or_show(
        form, lambda: reports.report(g.user, me, other, form.reason.data, form.note.data or "",
                                     conversation=conversation),
        _("Thank you. The coordinators read your report and answer you soon."),
        _thread_url(conversation.id, me), "exchanges/talk/report.html", conversation=conversation, other=other,
        acting=me.user_id != g.user.id, me=me)


def _post_and_member(post_code) -> tuple[ExchangePost, ExchangeMember | None]:
    """The post named in the address, and who the reader acts as in its exchange (`member`, or themself)."""
    post = db.session.scalar(select(ExchangePost).where(ExchangePost.code == post_code)) \
        if isinstance(post_code, str) and len(post_code) <= 12 else None
    if post is None:
        raise NotFound()
    member = _member_arg() or next((m for m in memberships(g.user) if m.organisation_id == post.organisation_id),
                                   None)
    return post, member


@bp.route("/posts/<post_code>/report", methods=["GET", "POST"])
@login_required
def report_post(post_code):
    """Report a post (and its member) to the coordinators."""
    post, member = _post_and_member(post_code)
    me = acting_for(g.user, member)
    if post.member_id == me.id:
        raise NotFound()
    form = ReportForm()
    if me.user_id != g.user.id:
        form.member.data = str(me.id)
    return save_or_show(
        form, lambda: reports.report(g.user, me, post.member, form.reason.data, form.note.data or "", post=post),
        _("Thank you. The coordinators read your report and answer you soon."),
        url_for("exchanges.messages", member=me.id if me.user_id != g.user.id else None),
        "exchanges/talk/report.html", post=post, other=post.member, acting=me.user_id != g.user.id, me=me)


@bp.post("/posts/<post_code>/message")
@login_required
def message_post(post_code):
    """Start (or open) a conversation with a post's member about the post."""
    post, member = _post_and_member(post_code)
    talk.speaking_as(g.user, member)  # someone who may not talk as them answers as missing, before anything else
    form = ActingForm()
    if not form.validate_on_submit():
        flash_errors(form.errors)
        return redirect(url_for("exchanges.messages"))
    try:
        conversation = talk.start_or_open(g.user, member, post)
    except NotFound:
        raise
    except DomainError as error:
        db.session.rollback()
        flash_errors(error.fields, error.message)
        return redirect(url_for("exchanges.messages"))
    return redirect(_thread_url(conversation.id, member))
