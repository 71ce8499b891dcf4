"""Staff pages for reconciliation: imports, matching, the unmatched screen and the period report.

Every page exists for the platform's books (/reconciliation/platform/…, platform admins) and for an
organisation's books (/reconciliation/orgs/<id>/…, its staff allowed `org.manage_funds`).
"""
from __future__ import annotations

import io

from flask import Blueprint, flash, g, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import fresh_login_required, login_required

from marketplace.orgs import controls
from marketplace.orgs.policy import can
from marketplace.platform.errors import DomainError
from marketplace.platform.extensions import db
from marketplace.platform.i18n import money
from marketplace.reconciliation import imports, profiles, report, resolve, wording
from marketplace.reconciliation.books import account_of, books_for, period
from marketplace.reconciliation.forms import ProfileForm, ResolveForm, RunForm, UploadForm
from marketplace.reconciliation.labels import ACCOUNTS
from marketplace.reconciliation.models import CorrectionRequest
from marketplace.reconciliation.statement_files import problem
from marketplace.web.forms import apply_errors

bp = Blueprint("reconciliation", __name__, url_prefix="/reconciliation")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def books_route(rule: str, **options):
    """Register a view for the platform's books and for an organisation's books."""
    def register(view):
        bp.add_url_rule(f"/platform{rule}", view_func=view, defaults={"org_id": None}, **options)
        bp.add_url_rule(f"/orgs/<int:org_id>{rule}", view_func=view, **options)
        return view
    return register


@bp.app_template_global()
def reconciliation_problem(code: str) -> str:
    return problem(code)


@bp.app_template_global()
def account_label(purpose: str) -> str:
    return ACCOUNTS(purpose)


@bp.route("/")
@login_required
def index():
    """List the books the user may reconcile."""
    orgs = [m.organisation for m in g.user.memberships if can(g.user, "org.manage_funds", m.organisation)]
    return render_template("reconciliation/index.html", orgs=orgs, platform=can(g.user, "admin.access"))


@books_route("/", endpoint="books")
@login_required
def books_home(org_id):
    """Show the books' accounts, bank layouts and imports, with the upload form."""
    books = books_for(g.user, org_id)
    return _home(books, _upload_form(books))


@books_route("/imports", endpoint="upload", methods=["POST"])
@login_required
def upload(org_id):
    """Upload a Stripe report or a bank statement and start importing it."""
    books = books_for(g.user, org_id)
    form = _upload_form(books)
    if form.validate_on_submit():
        try:
            batch = imports.start_import(g.user, books, form.kind.data, request.files.get("upload"),
                                         form.profile_id.data)
        except DomainError as error:
            db.session.rollback()
            apply_errors(form, error)
        else:
            return redirect(url_for("reconciliation.import_status", import_id=batch.id))
    return _home(books, form, 422)


@bp.route("/imports/<int:import_id>")
@login_required
def import_status(import_id):
    """Show an import's progress, its result, or the per-line report of a refused file."""
    batch = imports.get_import(g.user, import_id)
    return render_template("reconciliation/import.html", batch=batch, running=batch.status in imports.RUNNING,
                           org_id=batch.owner_id if batch.owner_type == "organisation" else None)


@books_route("/profiles/new", endpoint="new_profile", methods=["GET", "POST"])
@login_required
def new_profile(org_id):
    """Save a bank statement layout."""
    return _profile_page(books_for(g.user, org_id), None)


@books_route("/profiles/<int:profile_id>", endpoint="edit_profile", methods=["GET", "POST"])
@login_required
def edit_profile(org_id, profile_id):
    """Change a saved bank statement layout."""
    books = books_for(g.user, org_id)
    return _profile_page(books, profiles.get_profile(books, profile_id))


@books_route("/match-run", endpoint="run_matching", methods=["POST"])
@fresh_login_required
def run_matching(org_id):
    """Run automatic matching again over an account's unmatched lines."""
    books = books_for(g.user, org_id)
    form = RunForm()
    if not form.validate_on_submit():
        flash(_("The form expired; please try again."), "error")
        return _home(books, _upload_form(books), 400)
    try:
        matched = resolve.rematch(g.user, books, form.account.data)
    except DomainError as error:
        db.session.rollback()
        flash(str(error.message) + " " + " ".join(str(m) for v in error.fields.values() for m in v), "error")
        return _home(books, _upload_form(books), error.status)
    flash(ngettext("%(num)d line matched.", "%(num)d lines matched.", matched), "success")
    return redirect(url_for("reconciliation.books", **books.url_args))


@books_route("/unmatched", endpoint="unmatched")
@login_required
def unmatched(org_id):
    """List unmatched statement lines and ledger postings side by side, for an account and period."""
    books = books_for(g.user, org_id)
    return _unmatched_page(books, ResolveForm(formdata=None))


@books_route("/match", endpoint="match", methods=["POST"])
@fresh_login_required
def match(org_id):
    """Match the chosen statement line and ledger posting (equal amounts only)."""
    books = books_for(g.user, org_id)
    return _resolve(books, lambda form: wording.matched(resolve.match_by_hand(g.user, books, form.line_id.data,
                                                                              form.posting_id.data)))


@books_route("/correct", endpoint="correct", methods=["POST"])
@fresh_login_required
def correct(org_id):
    """Post a correcting entry (with a reason) for the chosen statement line and match it."""
    books = books_for(g.user, org_id)
    done = {}

    def act(form):
        done["result"] = resolve.correct(g.user, books, form.line_id.data, form.reason.data)

    response = _resolve(books, act)
    if isinstance(done.get("result"), CorrectionRequest):
        flash(_("The correction is above %(amount)s: it is posted when someone else approves it.",
                amount=money(controls.second_person_above())), "success")
    elif "result" in done:
        flash(_("A correcting entry is posted.") + " " + wording.matched(done["result"]), "success")
    return response


@books_route("/corrections/<int:request_id>/approve", endpoint="approve_correction", methods=["POST"])
@fresh_login_required
def approve_correction(org_id, request_id):
    """Approve a correction someone else asked for: it is posted and matched to its line."""
    books = books_for(g.user, org_id)
    return _decide(books, lambda: _("The correction is approved and posted.") + " "
                   + wording.matched(resolve.approve_correction(g.user, books, request_id)))


@books_route("/corrections/<int:request_id>/reject", endpoint="reject_correction", methods=["POST"])
@login_required
def reject_correction(org_id, request_id):
    """Refuse a waiting correction (or withdraw one's own); nothing is posted."""
    books = books_for(g.user, org_id)

    def refuse() -> str:
        resolve.reject_correction(g.user, books, request_id)
        return _("The correction is refused; nothing was posted.")

    return _decide(books, refuse)


@books_route("/report", endpoint="report")
@login_required
def report_page(org_id):
    """Show the reconciliation report of an account for a period."""
    books = books_for(g.user, org_id)
    found = _figures(books)
    lines, more_lines = report.unmatched_lines(found.account, found.start, found.end, limit=100)
    postings, more_postings = report.unmatched_postings(found.account, found.start, found.end, limit=100)
    return render_template("reconciliation/report.html", books=books, found=found, lines=lines, postings=postings,
                           more=more_lines or more_postings)


@books_route("/report.xlsx", endpoint="report_xlsx")
@login_required
def report_xlsx(org_id):
    """Download the reconciliation report as an XLSX workbook."""
    books = books_for(g.user, org_id)
    found = _figures(books)
    data = report.xlsx(found, _labels())
    name = f"reconciliation-{found.account.purpose}-{found.start.isoformat()}-{found.end.isoformat()}.xlsx"
    return send_file(io.BytesIO(data), mimetype=XLSX, as_attachment=True, download_name=name)


# --- helpers ----------------------------------------------------------------------------------------

def _upload_form(books) -> UploadForm:
    form = UploadForm()
    form.profile_id.choices = [("", _("Choose a bank layout"))] + [
        (str(p.id), p.name) for p in profiles.profiles_of(books)]
    if books.org is not None:
        form.kind.choices = [c for c in form.kind.choices if c[0] == "bank"]
    return form


def _home(books, form, status: int = 200):
    accounts = [account_of(books, p) for p in books.purposes]
    return render_template("reconciliation/books.html", books=books, form=form, accounts=accounts,
                           profiles=profiles.profiles_of(books), imports=imports.imports_of(books),
                           run=RunForm(formdata=None)), status


def _profile_page(books, profile):
    form = ProfileForm(obj=profile)
    if form.validate_on_submit():
        try:
            profiles.save_profile(g.user, books, profile, **{name: form[name].data for name in (
                "name", "date_column", "date_format", "amount_column", "debit_column", "credit_column",
                "description_column", "reference_column", "encoding")})
        except DomainError as error:
            db.session.rollback()
            apply_errors(form, error)
            return render_template("reconciliation/profile.html", books=books, form=form,
                                   profile=profile), error.status
        flash(_("The bank layout is saved."), "success")
        return redirect(url_for("reconciliation.books", **books.url_args))
    status = 422 if request.method == "POST" else 200
    return render_template("reconciliation/profile.html", books=books, form=form, profile=profile), status


def _view_args(books) -> tuple:
    account = account_of(books, request.args.get("account"))
    start, end = period(request.args.get("start"), request.args.get("end"))
    return account, start, end


def _after(name: str) -> int:
    value = request.args.get(name, type=int)
    return value if value is not None and 0 <= value < 2**62 else 0


def _unmatched_page(books, form, status: int = 200):
    account, start, end = _view_args(books)
    lines, more_lines = report.unmatched_lines(account, start, end, _after("line_after"))
    postings, more_postings = report.unmatched_postings(account, start, end, _after("posting_after"))
    return render_template("reconciliation/unmatched.html", books=books, account=account, start=start, end=end,
                           lines=lines, postings=postings, more_lines=more_lines, more_postings=more_postings,
                           form=form, waiting=resolve.waiting_corrections(books, account.id),
                           decide=ResolveForm(formdata=None)), status


def _resolve(books, act):
    """Run `act(form)`; a text it returns says what was done."""
    form = ResolveForm()
    _view_args(books)  # a bad account or period is refused before anything changes
    if form.validate_on_submit():
        try:
            done = act(form)
        except DomainError as error:
            db.session.rollback()
            apply_errors(form, error)
            return _unmatched_page(books, form, error.status)
        if done:
            flash(done, "success")
        return redirect(url_for("reconciliation.unmatched", **books.url_args, **_period_args()))
    return _unmatched_page(books, form, 422 if form.errors else 400)


def _decide(books, act):
    """Approve or refuse a waiting correction (`act()` returns what was done, in words), then go back to the
    unmatched page with the outcome."""
    form = ResolveForm()
    _view_args(books)
    if not form.validate_on_submit():
        flash(_("Your form expired. Please try again."), "error")
        return redirect(url_for("reconciliation.unmatched", **books.url_args, **_period_args())), 400
    try:
        done = act()
    except DomainError as error:
        db.session.rollback()
        messages = [str(m) for ms in error.fields.values() for m in ms] or [str(error.message)]
        flash(" ".join(messages), "error")
        return redirect(url_for("reconciliation.unmatched", **books.url_args, **_period_args()))
    flash(done, "success")
    return redirect(url_for("reconciliation.unmatched", **books.url_args, **_period_args()))


def _period_args() -> dict:
    return {k: request.args[k] for k in ("account", "start", "end") if request.args.get(k)}


def _figures(books):
    account, start, end = _view_args(books)
    return report.figures(account, start, end)


def _labels() -> dict:
    return {
        "summary": _("Summary"), "account": _("Account"), "start": _("From"), "end": _("To"),
        "statement": _("Statement"), "ledger": _("Ledger"), "count": _("lines"), "total": _("total"),
        "matched": _("matched lines"), "matched_total": _("matched total"), "unmatched": _("unmatched lines"),
        "unmatched_total": _("unmatched total"), "difference": _("Statement total minus ledger total"),
        "inflows": _("Inflows"), "fees": _("Fees"), "refunds": _("Refunds"), "payouts": _("Payouts"),
        "other": _("Other movements"), "difference_clearing": _("Difference"),
        "unmatched_lines": _("Unmatched statement lines"), "unmatched_postings": _("Unmatched ledger postings"),
        "line_columns": [_("Line"), _("Date"), _("Amount"), _("Type"), _("Statement id"), _("Reference"),
                         _("Description")],
        "posting_columns": [_("Posting"), _("Date"), _("Amount"), _("Kind"), _("Memo")],
    }
