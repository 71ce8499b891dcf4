"""Mail "sent" to the console (MAIL_BACKEND=console, the default): who it is for, its subject and its links,
with attachments named and sized rather than dumped as base64, so a developer's log stays readable."""
from __future__ import annotations

import re

from flask_mailman.backends.console import EmailBackend as PlainConsoleBackend

LINK = re.compile(r"https?://\S+")


def summary(message) -> str:
    """Return the lines a person needs from an email: recipients, subject, links and attachments."""
    lines = [f"[mail] to {', '.join(message.to)}: {message.subject}"]
    lines += [f"[mail]   link: {link}" for link in LINK.findall(message.body or "")]
    for attachment in message.attachments:
        name, content = (attachment[0], attachment[1]) if isinstance(attachment, tuple) else \
            (attachment.get_filename(), attachment.get_payload(decode=True))
        lines.append(f"[mail]   attached: {name} ({len(content or b''):,} bytes)")
    return "\n".join(lines)


class EmailBackend(PlainConsoleBackend):
    def write_message(self, message):
        self.stream.write(summary(message) + "\n")
