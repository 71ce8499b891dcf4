"""Bulk import of offline hours: upload a sheet, follow the check, read the per-row report and
confirm the valid rows (coordinators of the organisation only)."""
from __future__ import annotations

import io

from flask import abort, g, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import login_required

from marketplace.auth.forms import EmptyForm
from marketplace.orgs.policy import can
from marketplace.orgs.service import organisation_for
from marketplace.platform.errors import DomainError
from marketplace.platform.extensions import db
from marketplace.platform.i18n import current_locale
from marketplace.timebank.activities.views import bp
from marketplace.timebank.forms import ImportForm
from marketplace.timebank.imports import files as import_files
from marketplace.timebank.imports import rules as import_rules
from marketplace.timebank.imports import service as imports
from marketplace.timebank.imports.models import ImportBatch
from marketplace.web.forms import apply_errors, submit_and_return

PAGE_ROWS = 200
MIMETYPES = {"csv": "text/csv", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


@bp.app_template_global()
def import_error(error: dict) -> str:
    return import_rules.describe(error)


@bp.app_template_global()
def import_status(status: str) -> str:
    return ImportBatch.machine.label(status)


@bp.app_template_global()
def import_problem(batch: ImportBatch) -> str:
    """Say why the sheet's last check or posting did not finish ("" when nothing went wrong)."""
    messages = {
        "busy": lambda: _("Posting did not go through: many changes were being saved at the same moment. "
                          "Nothing was posted. Confirm again to retry."),
        "post_failed": lambda: _("Posting stopped because of an error on our side; %(done)d rows are posted. "
                                 "Confirm again to post the rest.", done=batch.done_rows),
        "post_stopped": lambda: _("Posting stopped because the worker doing it stopped; %(done)d rows are "
                                  "posted. Confirm again to post the rest.", done=batch.done_rows),
        "check_stopped": lambda: _("Checking stopped because the worker doing it stopped. Upload the sheet "
                                   "again."),
    }
    return messages[batch.problem]() if batch.problem in messages else ""


@bp.route("/orgs/<int:org_id>/imports", methods=["GET", "POST"])
@login_required
def org_imports(org_id):
    """Upload a sheet of hours to check, and list earlier imports."""
    org = organisation_for(g.user, "org.approve_hours", org_id)
    form = ImportForm()
    if form.validate_on_submit():
        try:
            batch = imports.check_import(g.user, org, form.title.data, request.files.get("upload"))
        except DomainError as error:
            db.session.rollback()
            apply_errors(form, error)
        else:
            return redirect(url_for("timebank.import_batch", batch_id=batch.id))
    return render_template("timebank/imports.html", org=org, form=form, batches=imports.batches_of(g.user, org),
                           max_rows=import_files.MAX_ROWS), 422 if form.errors else 200


@bp.route("/orgs/<int:org_id>/imports/template.<any(csv, xlsx):fmt>")
@login_required
def import_template(org_id, fmt):
    """Download a blank sheet with headers in the user's language."""
    organisation_for(g.user, "org.approve_hours", org_id)
    locale = current_locale()
    return send_file(io.BytesIO(imports.template(locale, fmt)), mimetype=MIMETYPES[fmt], as_attachment=True,
                     download_name=f"goodhours-hours-{'zh' if locale == 'zh_CN' else 'en'}.{fmt}")


@bp.route("/imports/<int:batch_id>")
@login_required
def import_batch(batch_id):
    """Show a sheet's progress and its per-row report."""
    batch = _batch(batch_id)
    after = request.args.get("after", type=int)
    after = after if after is not None and 0 <= after <= 10**7 else 0
    errors_only = request.args.get("errors") == "1"
    rows, more = imports.rows_of(batch, after=after, errors_only=errors_only, limit=PAGE_ROWS)
    return render_template("timebank/import_batch.html", batch=batch, rows=rows, more=more,
                           errors_only=errors_only, running=batch.status in imports.RUNNING, button=EmptyForm())


@bp.post("/imports/<int:batch_id>/confirm")
@login_required
def confirm_import(batch_id):
    """Post the valid rows of a checked sheet to the volunteers' savings."""
    batch = _batch(batch_id)
    return submit_and_return(
        EmptyForm(), lambda form: imports.confirm_import(g.user, batch.id),
        url_for("timebank.import_batch", batch_id=batch_id),
        done=lambda posted: _("The valid rows are being posted.") if posted.status == "posting"
        else _("The valid rows are posted to the volunteers' saved hours."))


def _batch(batch_id) -> ImportBatch:
    batch = db.session.get(ImportBatch, batch_id)
    if batch is None or not can(g.user, "org.approve_hours", batch.organisation):
        abort(404)
    return batch
