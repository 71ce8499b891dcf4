"""Visit pages of the referral domain: the visitor's due list, recording a visit on a phone, a household's
visit history and one visit, and the monthly comparison (月比对) with its XLSX and PDF."""
from __future__ import annotations

import io

from flask import g, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import login_required

from config import settings
from marketplace.platform.errors import DomainError, Forbidden, InvalidInput
from marketplace.platform.timeutil import local_today
from marketplace.referrals import comparison, visits
from marketplace.referrals.access import get_household, may_manage_household, may_read_household
from marketplace.referrals.views import bp
from marketplace.referrals.visit_forms import FINDING_LABELS, VisitForm
from marketplace.web.dates import parse_day
from marketplace.web.forms import apply_errors, save_or_show

TYPES = {"pdf": "application/pdf", "csv": "text/csv; charset=utf-8",
         "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
PAGE_ROWS = 500  # missed households shown on the page; the downloads hold them all


@bp.app_template_global("household_visits")
def household_visits(care) -> tuple[list, bool]:
    """(visits newest first, whether the reader may see who went and what they found) for
    `_household_visits.html`, on a page that has checked its reader may see the household."""
    return visits.history(care), may_read_household(g.get("user"), care)


@bp.app_template_global("visit_findings")
def visit_findings(visit) -> list[tuple[str, str]]:
    """(label, text) of each finding the visit wrote down, in the form's order."""
    return [(str(label), getattr(visit, name)) for name, label in FINDING_LABELS.items() if getattr(visit, name)]


@bp.route("/due")
@login_required
def due():
    """List the households the user visits that are due or overdue, most overdue first."""
    return render_template("referrals/due.html", rows=visits.due_for(g.user), all_rows=visits.households_of(g.user),
                           may_compare=comparison.may_compare(g.user), yellow_days=settings.REFERRALS_YELLOW_DAYS)


@bp.route("/households/<int:household_id>/visits")
@login_required
def household_visits_page(household_id):
    """Show a household's visits, newest first."""
    care = get_household(g.user, household_id)
    return render_template("referrals/visit_history.html", care=care, pseudonym=_pseudonym(care))


@bp.route("/households/<int:household_id>/visits/new", methods=["GET", "POST"])
@login_required
def visit_new(household_id):
    """Record a visit to a household, with the needs found."""
    care = get_household(g.user, household_id)
    form = VisitForm(visited_on=local_today())
    form.visited_on.render_kw = {"max": local_today().isoformat()}
    form.visitors.choices = [(u.id, u.display_name) for u in visits.visitor_choices(care, g.user) if u.id != g.user.id]
    return save_or_show(
        form, lambda: visits.record_visit(g.user, care.beneficiary_id, **form.fields_for_service()),
        _("The visit is recorded."), lambda visit: url_for("referrals.visit", visit_id=visit.id),
        "referrals/visit_form.html", show_errors=_show_errors, care=care, pseudonym=_pseudonym(care))


def _show_errors(form: VisitForm, error: DomainError) -> None:
    """Put the errors of need rows (named needs-<row>-<field>) by their fields, the rest as usual."""
    rest = {}
    for name, messages in error.fields.items():
        parts = name.split("-")
        if len(parts) == 3 and parts[0] == "needs" and parts[1].isdigit() and int(parts[1]) < len(form.needs):
            field = getattr(form.needs[int(parts[1])].form, parts[2], None)
            if field is not None:
                field.errors = list(field.errors) + [str(m) for m in messages]
                continue
        rest[name] = messages
    apply_errors(form, InvalidInput(error.message, fields=rest))  # with no field left: the message on top


@bp.route("/visits/<int:visit_id>")
@login_required
def visit(visit_id):
    """Show one visit: who went, what they found and the needs recorded."""
    found = visits.get_visit(g.user, visit_id)
    return render_template("referrals/visit.html", visit=found, care=found.household,
                           pseudonym=_pseudonym(found.household), needs=visits.needs_of(found),
                           may_read_notes=may_manage_household(g.user, found.household))


def _pseudonym(care) -> str:
    return care.beneficiary.pseudonym if care.beneficiary is not None else ""


def _comparison_args():
    """Read month, district and community from the query string; bad values fall back, with a message."""
    if not comparison.may_compare(g.user):
        raise Forbidden()
    problems = []
    districts = comparison.districts_for(g.user)
    month = local_today().replace(day=1)
    typed = request.args.get("month", "")
    if typed:
        day = parse_day(f"{typed}-01") if len(typed) <= 7 else parse_day(typed)
        if day is None or day > local_today():
            problems.append(_("Enter a month such as %(example)s, not in the future.",
                              example=month.strftime("%Y-%m")))
        else:
            month = day.replace(day=1)
    wanted = request.args.get("district", "")
    district = next((d for d in districts if str(d.id) == wanted), districts[0] if districts else None)
    if wanted and (district is None or str(district.id) != wanted):
        problems.append(_("Choose a district from the list."))
    community = request.args.get("community", "") or None
    if community is not None and not (community.isascii() and community.isdigit() and len(community) < 10):
        problems.append(_("Choose a community in the district."))
        community = None
    return month, district, community, districts, problems


def _result(limit: int | None):
    month, district, community, districts, problems = _comparison_args()
    result = None
    if district is not None:
        try:
            result = comparison.monthly(g.user, month, district.id, community, limit=limit)
        except InvalidInput as error:
            problems += [str(m) for messages in error.fields.values() for m in messages]
            result = comparison.monthly(g.user, month, district.id, None, limit=limit)
    return result, month, districts, problems


@bp.route("/comparison")
@login_required
def comparison_page():
    """Show the month's households not visited, by community, with the counts."""
    result, month, districts, problems = _result(PAGE_ROWS)
    communities = comparison.communities_of(result.district.id) if result is not None else []
    query = {"month": month.strftime("%Y-%m"), "district": result.district.id if result else ""}
    if result is not None and result.community_id is not None:
        query["community"] = result.community_id
    return render_template("referrals/comparison.html", result=result, month=month, districts=districts,
                           communities=communities, problems=problems, query=query,
                           months=comparison.recent_months(), page_rows=PAGE_ROWS)


@bp.route("/comparison.<any(csv, xlsx, pdf):fmt>")
@login_required
def comparison_export(fmt):
    """Download the month's comparison as CSV, a spreadsheet or a PDF."""
    result, month, _districts, _problems = _result(None)
    if result is None:
        raise Forbidden()
    data = {"csv": comparison.csv_bytes, "xlsx": comparison.xlsx_bytes, "pdf": comparison.pdf_bytes}[fmt](result)
    name = f"visits-{month.strftime('%Y-%m')}-{result.district.code}.{fmt}"
    return send_file(io.BytesIO(data), mimetype=TYPES[fmt], as_attachment=True, download_name=name)


__all__ = ["bp"]
