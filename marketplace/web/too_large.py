"""A request too large to read (over MAX_CONTENT_LENGTH): nothing of it can be read, so an HTML form is
sent back to its page, where every file field says the file was too big; the API answers its JSON error."""
from __future__ import annotations

from flask import g, redirect, request, session
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms.utils import unset_value

from marketplace.web.redirects import referring_path

KEY = "upload_too_large"  # the path of the form whose request was too large, until its page shows it


def _megabytes() -> int:
    return (request.max_content_length or 0) // (1024 * 1024)


def message():
    return _l("The file was too big to receive (at most %(n)d MB for the whole form), so nothing was saved. "
              "Choose a smaller file and fill in the form again.", n=_megabytes())


def message_before_sending():
    """What the page's script says when it stops such a form before sending it: nothing typed is lost."""
    return _l("This file is too big to send (at most %(n)d MB for the whole form). Choose a smaller file; "
              "what you typed is kept.", n=_megabytes())


def back_to_form():
    """Return a redirect to the page of the form just posted, or None when there is no such page."""
    if request.method != "POST" or request.url_rule is None:
        return None
    if "GET" in (request.url_rule.methods or ()):
        query = request.query_string.decode("latin-1")
        target = request.path + (f"?{query}" if query else "")
    else:  # a button on another page: go back to it when it is one of ours
        target = referring_path()
        if target is None:
            return None
    session[KEY] = target.split("?", 1)[0]
    return redirect(target, 303)


def refused_here() -> bool:
    """Tell whether this page's form was just refused as too large to read (said once)."""
    if "upload_too_large" not in g:
        g.upload_too_large = session.get(KEY) == request.path
        if g.upload_too_large:
            session.pop(KEY)
    return g.upload_too_large


class UploadField(FileField):
    """A file field that says so, by itself, when the form it belongs to came back too large to read, and
    tells the page's script (static/js/upload-size.js) the limit, so a browser can stop such a form first."""

    def __call__(self, **kwargs):
        kwargs.setdefault("data-max-bytes", request.max_content_length)
        kwargs.setdefault("data-too-large", str(message_before_sending()))
        return super().__call__(**kwargs)

    def process(self, formdata, data=unset_value, extra_filters=None):
        super().process(formdata, data, extra_filters)
        if not formdata and refused_here():
            self.errors = [str(message())]
