"""Forms of the exchange's posts and profiles: they check shape only; the services check the rules.

Choices are not checked here (`validate_choice=False`): the services name a bad one in the reader's words,
and the form keeps what was typed.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from marketplace.exchanges.labels import CATEGORIES, PLACES
from marketplace.orgs.forms import district_choices
from marketplace.web.dates import LocalDateField
from marketplace.web.too_large import UploadField

REQUIRED = _l("This field is required.")


def _districts():
    return [("", _l("Choose…"))] + [(str(i), name) for i, name in district_choices()]


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class PostForm(FlaskForm):
    title = StringField(_l("Title"), [InputRequired(REQUIRED), Length(max=80)],
                        description=_l("For example: “I can teach smartphone use” or “Walk with me to the clinic”."))
    category = SelectField(_l("Kind of help"), choices=lambda: [("", _l("Choose…"))] + CATEGORIES.choices(),
                           validate_choice=False)
    district_id = SelectField(_l("District"), choices=_districts, validate_choice=False)
    place = RadioField(_l("Where"), choices=lambda: PLACES.choices(), validate_choice=False, default="outside")
    when_text = StringField(_l("When (optional)"), [Optional(), Length(max=120)],
                            description=_l("For example: weekends, Tuesday morning."))
    minutes = StringField(_l("About how many minutes"), [InputRequired(REQUIRED), Length(max=6)], default="60",
                          render_kw={"inputmode": "numeric"})
    body = TextAreaField(_l("More details (optional)"), [Optional(), Length(max=2000)],
                         description=_l("Do not write your phone number or address: talk through the site's messages."))
    active_until = LocalDateField(_l("Open until (optional)"), [Optional()])
    photo = UploadField(_l("Photo (JPEG or PNG, optional; saved without its metadata)"))


class NewPostForm(PostForm):
    kind = RadioField(_l("I want to post"), choices=[("offer", _l("An offer: I can help")),
                                                     ("request", _l("A request: I need help"))],
                      validate_choice=False, default="offer")
    organisation_id = SelectField(_l("Exchange"), choices=[], validate_choice=False)


class EditPostForm(PostForm):
    drop_photo = BooleanField(_l("Remove the photo"))


class ProfileForm(FlaskForm):
    birth_year = StringField(_l("Year you were born"), [InputRequired(REQUIRED), Length(max=6)],
                             render_kw={"inputmode": "numeric"},
                             description=_l("Only coordinators see it: young members cannot offer home visits."))
    district_id = SelectField(_l("Your district"), choices=_districts, validate_choice=False)
    about = TextAreaField(_l("A few words about you (optional, shown on your profile)"), [Optional(), Length(max=300)])


class JoinForm(ProfileForm):
    organisation_id = SelectField(_l("Exchange"), choices=[], validate_choice=False)


class DigestForm(FlaskForm):
    match_digest = BooleanField(_l("Tell me once a day about new requests I could help with"))
    match_categories = CheckboxesField(_l("Kinds of help (none chosen: those I offer)"),
                                       choices=lambda: CATEGORIES.choices(), validate_choice=False)


class ReasonForm(FlaskForm):
    reason = StringField(_l("Reason (the member reads it)"), [InputRequired(REQUIRED), Length(max=300)])
