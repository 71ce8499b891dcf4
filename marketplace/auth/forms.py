"""Account forms: they check shape only; the service checks the rules."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, RadioField, SelectField, StringField, TelField
from wtforms.validators import Email, InputRequired, Length, Optional

from marketplace.auth.passwords import MAX_LENGTH, MIN_LENGTH
from marketplace.platform.i18n import LANGUAGE_NAMES

EMAIL = [
    InputRequired(_l("Enter your email address.")),
    Length(max=254),
    Email(_l("Enter a valid email address.")),
]
TRIMMED = [lambda value: value.strip() if isinstance(value, str) else value]  # spaces around an address are typos
NEW_PASSWORD = [
    InputRequired(_l("Choose a password.")),
    Length(min=MIN_LENGTH, message=_l("Use at least %(n)d characters.", n=MIN_LENGTH)),
    Length(max=MAX_LENGTH, message=_l("Use at most %(n)d characters.", n=MAX_LENGTH)),
]
LANGUAGE_CHOICES = list(LANGUAGE_NAMES.items())


def display_choices():
    return [
        ("name", _l("By my name")),
        ("masked", _l("Masked (张**)")),
        ("anonymous", _l("Anonymously")),
    ]


class RegisterForm(FlaskForm):
    display_name = StringField(_l("Your name"), [InputRequired(_l("Enter your name.")), Length(max=80)])
    email = EmailField(_l("Email"), EMAIL, filters=TRIMMED)
    password = PasswordField(_l("Password"), NEW_PASSWORD,
                             description=_l("At least 10 characters; a short sentence is easy to remember."))
    locale = SelectField(_l("Language"), choices=LANGUAGE_CHOICES)


class LoginForm(FlaskForm):
    email = EmailField(_l("Email"), [InputRequired(_l("Enter your email address.")), Length(max=254)],
                       filters=TRIMMED)  # any spelling the service reads as an address (fullwidth, 。) may log in
    password = PasswordField(_l("Password"), [InputRequired(_l("Enter your password.")), Length(max=MAX_LENGTH)])
    remember = BooleanField(_l("Keep me logged in on this device"),
                            description=_l("Only on a phone or computer that no one else uses."))


class ResetRequestForm(FlaskForm):
    email = EmailField(_l("Email"), EMAIL, filters=TRIMMED)


class ResetForm(FlaskForm):
    new_password = PasswordField(_l("New password"), NEW_PASSWORD)


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(
        _l("Current password"), [InputRequired(_l("Enter your current password.")), Length(max=MAX_LENGTH)]
    )
    new_password = PasswordField(_l("New password"), NEW_PASSWORD)


class ProfileForm(FlaskForm):
    display_name = StringField(_l("Your name"), [InputRequired(_l("Enter your name.")), Length(max=80)])
    locale = SelectField(_l("Language"), choices=LANGUAGE_CHOICES)
    phone = TelField(_l("Phone (optional)"), [Optional(), Length(max=32)])
    public_display = RadioField(_l("How you appear in public lists"), choices=display_choices())


class TokenForm(FlaskForm):
    name = StringField(_l("Token name"), [InputRequired(_l("Give the token a name.")), Length(max=80)])
    scope = RadioField(
        _l("Access"), choices=[("read", _l("Read only")), ("write", _l("Read and write"))], default="read"
    )


class EmptyForm(FlaskForm):
    """A form with only the CSRF token, for buttons that change state."""
