"""The bell's pages: one's notifications (newest first, paged), marking them read, and which emails to get."""
from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from wtforms import BooleanField

from marketplace.auth.forms import EmptyForm
from marketplace.notifications import service
from marketplace.notifications.kinds import DIGEST, KINDS
from marketplace.platform.errors import NotFound
from marketplace.web.flash import flash_errors

bp = Blueprint("notifications", __name__, url_prefix="/notifications")


@bp.app_template_global()
def unread_notifications() -> int:
    """The signed-in reader's unread count, for the bell (0 for a visitor)."""
    return service.unread_count(g.user) if g.get("user") is not None else 0


@bp.route("/")
@login_required
def index():
    """List the reader's notifications, newest first, a page at a time."""
    page = _number(request.args.get("page", "1"), 5) or 1
    rows, more = service.page_of(g.user, page)
    return render_template("notifications/index.html", rows=rows, page=page, more=more, button=EmptyForm(),
                           text=service.text, link=service.link, unread=service.unread_count(g.user))


@bp.post("/read")
@login_required
def read():
    """Mark one notification read; with `go`, open the page it points to."""
    form = EmptyForm()
    if not form.validate_on_submit():
        flash_errors(form.errors)
        return redirect(url_for("notifications.index"))
    try:
        row = service.mark_read(g.user, _number(request.form.get("id", "")))
    except NotFound as error:
        flash(str(error.message), "error")
        return redirect(url_for("notifications.index"))
    if request.form.get("go") == "1":
        return redirect(service.link(row))
    return redirect(url_for("notifications.index", page=_page()))


@bp.post("/read-all")
@login_required
def read_all():
    """Mark every notification read."""
    form = EmptyForm()
    if not form.validate_on_submit():
        flash_errors(form.errors)
    else:
        service.mark_all_read(g.user)
        flash(_("All notifications are marked as read."), "success")
    return redirect(url_for("notifications.index"))


@bp.route("/settings", methods=["GET", "POST"])
@login_required
def settings():
    """Choose, kind by kind, which emails to get, and the weekly digest."""
    names = [*service.choosable(), DIGEST]
    form = type("EmailChoices", (EmptyForm,), {name: BooleanField() for name in names})(
        data=service.email_choices(g.user) if request.method == "GET" else None)
    if request.method == "POST":
        if form.validate_on_submit():
            service.set_email_choices(g.user, {name: bool(form[name].data) for name in names})
            flash(_("Your email choices are saved."), "success")
            return redirect(url_for("notifications.settings"))
        flash_errors(form.errors)
    return render_template("notifications/settings.html", form=form, kinds=[KINDS[n] for n in names[:-1]],
                           digest=DIGEST)


def _number(text: str, longest: int = 12) -> int | None:
    """Read a whole number typed in a form or query (None for anything else)."""
    return int(text) if text.isascii() and text.isdigit() and len(text) <= longest else None


def _page() -> int:
    return _number(request.form.get("page", "1"), 5) or 1
