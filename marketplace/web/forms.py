"""Form helpers shared by every domain: copy service field errors onto a form."""
from __future__ import annotations

from flask_wtf import FlaskForm

from marketplace.platform.errors import DomainError


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
