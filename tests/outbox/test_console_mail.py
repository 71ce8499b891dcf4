"""Mail printed to the console says who it is for, its subject and links, and names its attachments."""
import io

from flask_mailman import EmailMessage

import config
from marketplace.platform.console_mail import EmailBackend


def test_the_default_console_mail_prints_a_summary_not_raw_mime(app, tmp_path):
    assert config.load(tmp_path, environ={})["MAIL_BACKEND"] == config.CONSOLE_MAIL
    message = EmailMessage(subject="您的收据 R-1-2026-000002", to=["donor@example.org"],
                           body="谢谢！下载：http://127.0.0.1:5000/payments/donations/abc/receipt.pdf\n")
    message.attach("receipt.pdf", b"%PDF-" + b"x" * 20_000, "application/pdf")
    stream = io.StringIO()
    EmailBackend(stream=stream).send_messages([message])
    printed = stream.getvalue()
    assert printed.splitlines() == [
        "[mail] to donor@example.org: 您的收据 R-1-2026-000002",
        "[mail]   link: http://127.0.0.1:5000/payments/donations/abc/receipt.pdf",
        "[mail]   attached: receipt.pdf (20,005 bytes)",
    ]
