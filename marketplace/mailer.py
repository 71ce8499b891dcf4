"""Send transactional email in the recipient's language, always after the commit."""
from __future__ import annotations

from flask import current_app, render_template
from flask_babel import force_locale
from flask_mailman import EmailMessage


def send(to: str, locale: str, subject, template: str, **context) -> None:
    """Render `templates/email/<template>.txt` in `locale` and send it."""
    with force_locale(locale):
        body = render_template(f"email/{template}.txt", **context)
        message = EmailMessage(
            subject=str(subject),
            body=body,
            from_email=current_app.config["MAIL_DEFAULT_SENDER"],
            to=[to],
        )
    message.send()
