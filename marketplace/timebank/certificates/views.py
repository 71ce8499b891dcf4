"""Certificates of service: a volunteer downloads one for a period; anyone checks one by its code."""
from __future__ import annotations

from flask import Blueprint, Response, g, render_template, request
from flask_babel import format_date
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from flask_wtf import FlaskForm
from wtforms.validators import InputRequired

from marketplace.platform.errors import DomainError
from marketplace.platform.i18n import current_locale
from marketplace.timebank.certificates import service as certificates
from marketplace.timebank.certificates.content import issued_on
from marketplace.timebank.certificates.pdf import grouped
from marketplace.web.dates import LocalDateField
from marketplace.web.forms import apply_errors
from marketplace.web.pdf import font_path

bp = Blueprint("certificates", __name__)


class CertificateForm(FlaskForm):
    """The period to certify (shape only: the service checks the rules)."""

    period_start = LocalDateField(_l("First day"), [InputRequired(_l("This field is required."))])
    period_end = LocalDateField(_l("Last day"), [InputRequired(_l("This field is required."))])


@bp.route("/timebank/certificates", methods=["GET", "POST"])
@login_required
def download():
    """Issue a certificate of the volunteer's approved hours for a period and send it as a PDF."""
    if request.method == "GET":
        today = certificates.local_today()
        form = CertificateForm(period_start=today.replace(month=1, day=1), period_end=today)
    else:
        form = CertificateForm()
    if form.validate_on_submit():
        try:
            font_path()  # a missing font fails before a certificate is stored that could not be drawn
            certificate = certificates.issue_certificate(g.user, form.period_start.data, form.period_end.data)
        except DomainError as error:
            apply_errors(form, error)
        else:
            return Response(certificates.render_pdf(certificate), mimetype="application/pdf", headers={
                "Content-Disposition": f'attachment; filename="goodhours-certificate-{certificate.code}.pdf"',
                "Cache-Control": "private, no-store"})
    return render_template("timebank/certificates.html", form=form, issued=certificates.certificates_of(g.user),
                           grouped=grouped), 422 if form.errors else 200


@bp.route("/verify/<code>")
def verify(code):
    """Show whether a certificate is genuine: masked name, period, total and issuers, nothing more."""
    certificate = certificates.verify_certificate(code)
    if certificate is None:
        return render_template("timebank/verify.html", certificate=None), 404
    content = certificate.content
    zh = current_locale() == "zh_CN"
    return render_template(
        "timebank/verify.html", certificate=certificate, content=content, code=grouped(certificate.code),
        start=format_date(certificate.period_start, "long"), end=format_date(certificate.period_end, "long"),
        issued=format_date(issued_on(content), "long"),
        issuers=[issuer["zh"] if zh else issuer["en"] for issuer in content["issuers"]])
