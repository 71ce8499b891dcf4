"""Form helpers shared by every domain: service field errors onto a form, and one button's round trip."""
from __future__ import annotations

from flask import flash, redirect, render_template
from flask_babel import gettext as _
from flask_wtf import FlaskForm

from marketplace.platform.errors import DomainError
from marketplace.platform.extensions import db
from marketplace.web.flash import flash_errors


def apply_errors(form: FlaskForm, error: DomainError) -> None:
    """Show a service's field errors next to the fields, and the rest at the top."""
    unmatched = []
    for name, messages in error.fields.items():
        field = getattr(form, name, None)
        if field is None:
            unmatched.extend(messages)
        else:
            field.errors = list(field.errors) + [str(m) for m in messages]
    if not error.fields or unmatched:
        form.form_errors.extend([str(error.message)] + [str(m) for m in unmatched])


def submit_and_return(form, action, back: str, done=None, passes: tuple[type[DomainError], ...] = ()):
    """Run a button's action when its form is valid, flash how it went, and go back to `back`.

    `done` words the success message: a string, or `done(result)` (default: "Saved.").
    Errors of the `passes` types are rolled back and go on to the error pages instead of a flash.
    """
    if not form.validate_on_submit():
        flash_errors(form.errors)
    else:
        try:
            result = action(form)
        except passes:
            db.session.rollback()
            raise
        except DomainError as error:
            db.session.rollback()
            flash_errors(error.fields, error.message)
        else:
            flash((done(result) if callable(done) else done) or _("Saved."), "success")
    return redirect(back)


def save_or_show(form, action, done: str, then, template: str, *, show_errors=apply_errors,
                 passes: tuple[type[DomainError], ...] = (), **context):
    """On a valid submission run `action()`; when the service takes it, flash `done` and go to `then`
    (an address, or a function of what `action` returned that gives one).

    Otherwise show `template` with the form again, 422 when anything needs correcting: a service's errors
    are rolled back and shown by the fields (`show_errors`); errors of the `passes` types go on to the error pages.
    """
    if form.validate_on_submit():
        try:
            result = action()
        except passes:
            raise
        except DomainError as error:
            db.session.rollback()
            show_errors(form, error)
        else:
            flash(done, "success")
            return redirect(then(result) if callable(then) else then)
    return render_template(template, form=form, **context), 422 if form.errors else 200
