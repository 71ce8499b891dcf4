"""API: saved hours, their statement and gifts to family; offline reports and their review;
and the public check of a certificate of service."""
from __future__ import annotations

from flask import g

from marketplace.api.base import api_blueprint, token_route
from marketplace.orgs.service import get_organisation
from marketplace.platform.errors import NotFound
from marketplace.timebank.certificates import service as certificates
from marketplace.timebank.hours import reports, savings
from marketplace.timebank.schemas import (
    CertificateSchema,
    HourReportApproveSchema,
    HourReportSchema,
    HoursSchema,
    MyHourReportSchema,
    RejectSchema,
    ReverseSchema,
    StatementQuerySchema,
    StatementSchema,
    TransferSchema,
)

blp = api_blueprint("hours", __name__, url_prefix="/api/v1",
                    description="Time bank: saved hours, gifts, offline reports and certificates")


@token_route(blp, "/me/hours", response=HoursSchema)
def my_hours():
    """Return your saved minutes (posted, held, available), minutes of service and star level."""
    return savings.savings(g.user)


@token_route(blp, "/me/hours/statement", query=StatementQuerySchema, response=StatementSchema)
def my_statement(args):
    """Return your history of saved minutes, newest first, with the balance after each line."""
    return savings.history(g.user, cursor=args["cursor"], limit=args["limit"])


@token_route(blp, "/me/hours/transfers", methods=("POST",), body=TransferSchema, code=201, response=TransferSchema)
def give_hours(data):
    """Give saved minutes to a family member's account; the same idempotency_key posts once.

    Refused with 409 (code insufficient_balance) when you have not saved enough.
    """
    entry = savings.give_hours(g.user, data["email"], data["minutes"],
                               key=data["idempotency_key"])
    return {"email": data["email"], "minutes": data["minutes"], "entry_id": entry.id,
            "created_at": entry.created_at}


@token_route(blp, "/me/hour-reports", response=MyHourReportSchema(many=True))
def my_reports():
    """List your offline reports, newest first.

    A report is submitted on the site (/timebank/hour-reports/new), not here: it needs an evidence file.
    """
    return reports.reports_of(g.user)


@token_route(blp, "/orgs/<int:org_id>/hour-reports", response=HourReportSchema(many=True))
def pending_reports(org_id):
    """List the organisation's reports waiting for review (its coordinators)."""
    return reports.pending_reports(get_organisation(org_id), g.user)


@token_route(blp, "/hour-reports/<int:report_id>/approve", methods=("POST",), body=HourReportApproveSchema,
             response=HourReportSchema)
def approve_report(data, report_id):
    """Credit a report's minutes (the organisation's coordinators); approving twice posts once."""
    return reports.approve_report(report_id, g.user, data["note"])


@token_route(blp, "/hour-reports/<int:report_id>/reject", methods=("POST",), body=RejectSchema,
             response=HourReportSchema)
def reject_report(data, report_id):
    """Refuse a pending report, with the reason the volunteer will see."""
    return reports.reject_report(report_id, g.user, data["note"])


@token_route(blp, "/hour-reports/<int:report_id>/reverse", methods=("POST",), body=ReverseSchema,
             response=HourReportSchema)
def reverse_report(data, report_id):
    """Take back an approved report's minutes with a reversing ledger entry."""
    return reports.reverse_report(report_id, g.user, data["reason"])


@blp.route("/certificates/<code>")
@blp.response(200, CertificateSchema)
def verify_certificate(code):
    """Check a certificate of service by its code (any case, dashes allowed): 404 unless genuine."""
    certificate = certificates.verify_certificate(code)
    if certificate is None:
        raise NotFound()
    return certificate
