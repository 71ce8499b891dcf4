"""The one way people are told what happened: `notify` writes a row in the caller's transaction and queues
the kind's email (in the recipient's language, through the outbox) unless they turned it off; the bell,
the list and marking read only ever touch the reader's own rows."""
from __future__ import annotations

from flask import g, url_for
from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select, update
from werkzeug.routing import BuildError

from marketplace.auth.models import User
from marketplace.notifications.kinds import DIGEST, KINDS, Kind, subject_of, text_of
from marketplace.notifications.models import Notification, NotificationPreference
from marketplace.platform import mailer
from marketplace.platform.errors import InvalidInput, NotFound
from marketplace.platform.extensions import db
from marketplace.platform.ids import is_id
from marketplace.platform.links import site_url
from marketplace.platform.timeutil import now_utc

PAGE_SIZE = 20
HOME = "notifications.index"


def notify(user: User, kind: str, *, link: tuple[str, dict] | None = None, mail: dict | None = None,
           **params) -> Notification:
    """Tell `user` that `kind` happened (flushed, not committed: it stands or falls with the caller's change).

    `params` are plain JSON values the kind's words read; `link` is (endpoint, arguments) of the page to see;
    `mail` holds extra objects the kind's email template reads (the email is rendered now, sent after the commit).
    :raise KeyError: an unknown kind (a programming error).
    """
    found = KINDS[kind]
    endpoint, args = link or (HOME, {})
    row = Notification(user_id=user.id, kind=kind, params=params, link_endpoint=endpoint, link_args=args,
                       created_at=now_utc())
    db.session.add(row)
    db.session.flush()
    if found.template is not None and user.email and wants_email(user, kind):
        _email(user, found, params, endpoint, args, mail or {})
    return row


def _email(user: User, kind: Kind, params: dict, endpoint: str, args: dict, extra: dict) -> None:
    mailer.send(user.email, user.locale, LazyString(subject_of, kind, params), kind.template,
                recipient=user, text=LazyString(text_of, kind.name, params), link=site_url(endpoint, **args),
                settings_link=site_url("notifications.settings"), **extra)


# --- reading -------------------------------------------------------------------------------------------

def unread_count(user: User) -> int:
    """Count the reader's unread notifications: one indexed query, kept for the rest of the request."""
    cached = g.get("_unread_notifications")
    if cached is None or cached[0] != user.id:
        count = db.session.scalar(select(func.count()).select_from(Notification).where(
            Notification.user_id == user.id, Notification.read_at.is_(None)))
        g._unread_notifications = cached = (user.id, count)
    return cached[1]


def page_of(user: User, page: int = 1) -> tuple[list[Notification], bool]:
    """Return one page of the reader's notifications, newest first, and whether an older page follows."""
    page = max(page, 1)
    rows = db.session.scalars(select(Notification).where(Notification.user_id == user.id)
                              .order_by(Notification.created_at.desc(), Notification.id.desc())
                              .offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE + 1)).all()
    return list(rows[:PAGE_SIZE]), len(rows) > PAGE_SIZE


def text(row: Notification) -> str:
    """The notification's sentence in the reader's language."""
    return text_of(row.kind, row.params or {})


def link(row: Notification) -> str:
    """The page the notification points to (relative); the list when that page is gone."""
    try:
        return url_for(row.link_endpoint, **(row.link_args or {}))
    except (BuildError, TypeError, ValueError):
        return url_for(HOME)


def mark_read(user: User, notification_id) -> Notification:
    """Mark one of the reader's own notifications read (again is fine); commit.

    :raise NotFound: no such notification among the reader's own (another's is never touched or named).
    """
    row = db.session.scalar(select(Notification).where(Notification.id == notification_id,
                                                       Notification.user_id == user.id)) \
        if is_id(notification_id) else None
    if row is None:
        raise NotFound(_l("This notification was not found."))
    db.session.execute(update(Notification).where(Notification.id == row.id, Notification.user_id == user.id,
                                                  Notification.read_at.is_(None)).values(read_at=now_utc()))
    db.session.commit()
    return row


def mark_all_read(user: User) -> int:
    """Mark every unread notification of the reader read; commit and return how many."""
    done = db.session.execute(update(Notification).where(Notification.user_id == user.id,
                                                         Notification.read_at.is_(None)).values(read_at=now_utc()))
    db.session.commit()
    return done.rowcount


# --- email choices -------------------------------------------------------------------------------------

def wants_email(user: User, kind: str) -> bool:
    """Say whether `user` gets `kind`'s email (the weekly digest: `DIGEST`, off by default)."""
    chosen = db.session.scalar(select(NotificationPreference.is_emailed).where(
        NotificationPreference.user_id == user.id, NotificationPreference.kind == kind))
    return _default(kind) if chosen is None else chosen


def email_choices(user: User) -> dict[str, bool]:
    """Every choosable kind's email on or off for `user`, the digest last."""
    chosen = dict(db.session.execute(select(NotificationPreference.kind, NotificationPreference.is_emailed)
                                     .where(NotificationPreference.user_id == user.id)).all())
    return {kind: chosen.get(kind, _default(kind)) for kind in [*choosable(), DIGEST]}


def choosable() -> list[str]:
    """Kinds whose email a person may turn off (a receipt is a document and always sent)."""
    return [name for name, kind in KINDS.items() if kind.template is not None]


def set_email_choices(user: User, choices: dict[str, bool]) -> dict[str, bool]:
    """Keep `user`'s choices of which emails to get; kinds not named stay as they were; commit.

    :raise InvalidInput: a kind that does not exist or a value that is not on or off.
    """
    known = {*choosable(), DIGEST}
    if any(kind not in known or type(on) is not bool for kind, on in choices.items()):
        raise InvalidInput(_l("Choose on or off for each kind of email."))
    db.session.execute(delete(NotificationPreference).where(NotificationPreference.user_id == user.id,
                                                            NotificationPreference.kind.in_(list(choices))))
    for kind, on in choices.items():
        if on != _default(kind):
            db.session.add(NotificationPreference(user_id=user.id, kind=kind, is_emailed=on))
    db.session.commit()
    return email_choices(user)


def _default(kind: str) -> bool:
    found = KINDS.get(kind)
    return found is not None and found.template is not None and found.is_emailed_by_default
