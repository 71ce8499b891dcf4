"""Forms of the message pages: they check shape only; the services check the rules."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from marketplace.exchanges.labels import REPORT_REASONS
from marketplace.exchanges.reports import MAX_NOTE
from marketplace.exchanges.talk import MAX_BODY

REQUIRED = _l("This field is required.")


class MessageForm(FlaskForm):
    """A message; `member` names who a coordinator writes for (empty: the reader themself)."""

    member = HiddenField()
    body = TextAreaField(_l("Your message"), [InputRequired(_l("Write a message first.")),
                                              Length(max=MAX_BODY, message=_l(
                                                  "A message holds at most %(max)d characters."))],
                         description=_l("Phone numbers and addresses stay hidden until you both agree to share."))


class ActingForm(FlaskForm):
    """A button on a conversation (share, block, start); `member` as in MessageForm."""

    member = HiddenField()


class ReportForm(FlaskForm):
    member = HiddenField()
    reason = RadioField(_l("What happened?"), choices=lambda: REPORT_REASONS.choices(),
                        validators=[InputRequired(_l("Choose what happened."))])
    note = TextAreaField(_l("Tell the coordinators more (optional)"), [Optional(), Length(max=MAX_NOTE)],
                         description=_l("Only the coordinators read this. The member you report is not told "
                                        "who reported them."))


class AnswerForm(FlaskForm):
    answer = TextAreaField(_l("What was done"), [InputRequired(_l("Say what was done.")), Length(max=MAX_NOTE)],
                           description=_l("The member who reported reads this."))
