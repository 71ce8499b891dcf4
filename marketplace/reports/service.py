"""Which reports a person may see, over which of their organisations, and running one.

Access is the organisation policy's: hour reports need `org.view_hour_reports` (coordinators and up),
gift reports `org.view_gift_reports` (staff and up), in each organisation reported on. Platform admins
see an organisation's reports only through a role of their own in it."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from marketplace.auth.models import User
from marketplace.orgs.models import Organisation
from marketplace.orgs.policy import can
from marketplace.platform.errors import Forbidden, InvalidInput
from marketplace.reports import gifts, hours
from marketplace.reports.filters import Filters, read
from marketplace.reports.tables import Table

HOURS, GIFTS = "org.view_hour_reports", "org.view_gift_reports"


@dataclass(frozen=True)
class Report:
    name: str
    title: object
    action: str
    build: Callable[[Filters], Table]


CATALOGUE = (
    Report("hours-by-volunteer", _l("Hours by volunteer"), HOURS, hours.by_volunteer),
    Report("hours-by-activity", _l("Hours by activity"), HOURS, hours.by_activity),
    Report("hours-by-team", _l("Hours by team"), HOURS, hours.by_team),
    Report("hours-by-month", _l("Hours by month"), HOURS, hours.by_month),
    Report("inactive-volunteers", _l("Volunteers inactive for 90 days"), HOURS, hours.inactive),
    Report("gifts-by-fund", _l("Gifts by fund"), GIFTS, gifts.by_fund),
    Report("gifts-by-month", _l("Gifts by month"), GIFTS, gifts.by_month),
)


def orgs_for(user: User, action: str) -> list[Organisation]:
    """The organisations whose reports of this kind the user may see, in the order they joined."""
    return [m.organisation for m in sorted(user.memberships, key=lambda m: m.organisation_id)
            if can(user, action, m.organisation)]


def available(user: User) -> list[Report]:
    """The reports the user may see for at least one organisation."""
    actions = {action for action in (HOURS, GIFTS) if orgs_for(user, action)}
    return [report for report in CATALOGUE if report.action in actions]


def visible_orgs(user: User) -> list[Organisation]:
    """Every organisation the user may see some report of (the filter's choices)."""
    seen = {org.id: org for action in (HOURS, GIFTS) for org in orgs_for(user, action)}
    return [seen[i] for i in sorted(seen)]


def run(user: User, args) -> tuple[Report, Filters, Table]:
    """Run the report named in the query text (the first the user may see when none is named).

    :raise Forbidden: the user may see no report at all.
    :raise InvalidInput: naming `report`, `org`, `start` or `end` (see `filters.read`), every problem at once.
    """
    reports = available(user)
    if not reports:
        raise Forbidden()
    errors: dict[str, list] = {}
    wanted = args.get("report") or reports[0].name
    report = next((r for r in reports if r.name == wanted), None)
    if report is None:
        errors["report"] = [_l("Choose a report from the list.")]
        report = reports[0]
    try:
        filters = read(args, report.name, orgs_for(user, report.action))
    except InvalidInput as error:
        errors.update(error.fields)
    if errors:
        raise InvalidInput(fields=errors)
    return report, filters, report.build(filters)
