"""Transactional email in the recipient's language: rendered now, written to the outbox in the
caller's transaction, and sent after the commit (see marketplace/outbox/service.py)."""
from __future__ import annotations

from flask import render_template
from flask_babel import force_locale
from flask_mailman import EmailMessage

from config import settings
from marketplace.outbox.service import add_email


def send(to: str, locale: str, subject, template: str, **context) -> None:
    """Render `templates/email/<template>.txt` in `locale` and queue it with the caller's change.

    Call it before the commit: the email goes out only if that transaction commits.
    """
    with force_locale(locale):
        body = render_template(f"email/{template}.txt", **context)
        message = EmailMessage(
            subject=str(subject),
            body=body,
            from_email=settings.MAIL_DEFAULT_SENDER,
            to=[to],
        )
    add_email(message)

