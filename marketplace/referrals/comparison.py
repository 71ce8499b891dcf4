"""The monthly comparison (月比对): of the households due visits in a month (enrolled with a visit interval),
which were not visited in it, by community, for a district officer (their districts) or staff (their
organisations' households); on a page, and as XLSX and PDF.

It stays fast at city scale with two indexed queries: counts by community and the missed households, each
reading whether a household was visited in the month from its last visit day for the current month (visits
cannot be in the future) or, for an earlier month, by NOT EXISTS on the (household, day) index of visits.
"""
from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date, timedelta

from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import and_, case, exists, func, not_, select

from marketplace.auth.models import User
from marketplace.orgs.models import Community, District, Organisation
from marketplace.platform.errors import Forbidden, InvalidInput
from marketplace.platform.extensions import db
from marketplace.platform.i18n import month as month_name
from marketplace.platform.ids import as_id
from marketplace.platform.timeutil import local_today
from marketplace.referrals.access import is_officer, officer_districts, staff_org_ids
from marketplace.referrals.models import HouseholdCare, Visit
from marketplace.web.names import district_name, local_name
from marketplace.wishes.models import Beneficiary

PDF_ROWS = 1500  # missed households listed in the PDF; the spreadsheet holds them all


@dataclass(frozen=True)
class CommunityCount:
    community_id: int | None
    name: str
    due: int
    visited: int

    @property
    def missed(self) -> int:
        return self.due - self.visited


@dataclass(frozen=True)
class Missed:
    beneficiary_id: int
    pseudonym: str
    community_id: int | None
    community: str
    last_visited_on: date | None
    visit_due_on: date | None


@dataclass
class Comparison:
    month: date
    district: District
    community_id: int | None
    counts: list[CommunityCount] = field(default_factory=list)
    missed: list[Missed] = field(default_factory=list)
    more: bool = False  # the missed list was cut at the limit asked for

    @property
    def totals(self) -> tuple[int, int, int]:
        due, visited = sum(c.due for c in self.counts), sum(c.visited for c in self.counts)
        return due, visited, due - visited


def month_bounds(month: date) -> tuple[date, date]:
    start = month.replace(day=1)
    end = date(start.year + (start.month == 12), start.month % 12 + 1, 1)
    return start, end


def staff_orgs(actor: User) -> list[int]:
    return list(db.session.scalars(staff_org_ids(actor)))


def districts_for(actor: User | None) -> list[District]:
    """Return the districts the actor may compare: those they supervise, their organisations' own and those
    of their organisations' enrolled households (a platform admin: every active district)."""
    if actor is None or not actor.is_active:
        return []
    query = select(District).where(District.is_active.is_(True)).order_by(District.sort_order, District.id)
    if actor.is_platform_admin:
        return list(db.session.scalars(query))
    ids = officer_districts(actor)
    orgs = staff_orgs(actor)
    if orgs:
        ids |= set(db.session.scalars(select(HouseholdCare.district_id).distinct()
                                      .where(HouseholdCare.organisation_id.in_(orgs))))
        ids |= set(db.session.scalars(select(Organisation.district_id).where(Organisation.id.in_(orgs))))
    return list(db.session.scalars(query.where(District.id.in_(ids)))) if ids else []


def may_compare(actor: User | None) -> bool:
    """Whether the actor is a district officer or staff of any organisation (the page's readers)."""
    return actor is not None and actor.is_active and (
        actor.is_platform_admin or bool(officer_districts(actor)) or bool(staff_orgs(actor)))


def monthly(actor: User, month: date, district_id, community_id=None, limit: int | None = None) -> Comparison:
    """Compare a month's due visits with the visits made, for a district (and perhaps one community).

    :raise Forbidden: the actor is neither its officer nor staff of an organisation with households there.
    :raise InvalidInput: no such district, or a community outside it.
    """
    community_given = community_id is not None
    district_id, community_id = as_id(district_id), as_id(community_id)
    district = db.session.get(District, district_id) if district_id is not None else None
    if district is None:
        raise InvalidInput(fields={"district": [_("Choose a district from the list.")]})
    if community_given:
        community = db.session.get(Community, community_id) if community_id is not None else None
        if community is None or community.district_id != district.id:
            raise InvalidInput(fields={"community": [_("Choose a community in the district.")]})
    where = [HouseholdCare.district_id == district.id, HouseholdCare.visit_every_days.is_not(None)]
    if not is_officer(actor, district.id):
        orgs = staff_orgs(actor) if actor is not None and actor.is_active else []
        if not orgs:
            raise Forbidden()
        where.append(HouseholdCare.organisation_id.in_(orgs))
    if community_id is not None:
        where.append(HouseholdCare.community_id == community_id)
    start, end = month_bounds(month)
    where.append(HouseholdCare.enrolled_on < end)  # enrolled later: not due that month
    if start <= local_today() < end:  # visits are never in the future: the last visit day tells
        visited = counted_visited = and_(HouseholdCare.last_visited_on.is_not(None),
                                         HouseholdCare.last_visited_on >= start)
    else:  # the missed: an anti-join on the visits' (household, day) index; the counts: one hashed set of the
        # month's visited households rather than a probe per household
        visited = exists().where(Visit.beneficiary_id == HouseholdCare.beneficiary_id,
                                 Visit.visited_on >= start, Visit.visited_on < end)
        counted_visited = HouseholdCare.beneficiary_id.in_(
            select(Visit.beneficiary_id).where(Visit.visited_on >= start, Visit.visited_on < end))
    result = Comparison(start, district, community_id)
    names = {c.id: local_name(c) for c in db.session.scalars(select(Community).where(
        Community.district_id == district.id))}
    order = {c_id: i for i, c_id in enumerate(db.session.scalars(select(Community.id).where(
        Community.district_id == district.id).order_by(Community.sort_order, Community.id)))}
    counted = db.session.execute(select(HouseholdCare.community_id, func.count(),
                                        func.sum(case((counted_visited, 1), else_=0)))
                                 .where(*where).group_by(HouseholdCare.community_id)).all()
    no_community = _("No community recorded")
    result.counts = sorted((CommunityCount(c_id, names.get(c_id, no_community), int(due), int(done or 0))
                            for c_id, due, done in counted), key=lambda c: order.get(c.community_id, len(order)))
    missed = (select(HouseholdCare.beneficiary_id, Beneficiary.pseudonym, HouseholdCare.community_id,
                     HouseholdCare.last_visited_on, HouseholdCare.visit_due_on)
              .join(Beneficiary, Beneficiary.id == HouseholdCare.beneficiary_id)
              .where(*where, not_(visited))
              .order_by(HouseholdCare.community_id, HouseholdCare.visit_due_on, HouseholdCare.beneficiary_id))
    if limit is not None:
        missed = missed.limit(limit + 1)
    rows = db.session.execute(missed).all()
    if limit is not None and len(rows) > limit:
        rows, result.more = rows[:limit], True
    result.missed = sorted((Missed(b_id, pseudonym, c_id, names.get(c_id, no_community), last, due)
                            for b_id, pseudonym, c_id, last, due in rows),
                           key=lambda m: order.get(m.community_id, len(order)))
    return result


def communities_of(district_id: int) -> list[Community]:
    return list(db.session.scalars(select(Community).where(Community.district_id == district_id)
                                   .order_by(Community.sort_order, Community.id)))


def recent_months(count: int = 12) -> list[date]:
    """The first days of this month and the months before it, newest first (the page's choices)."""
    month, months = local_today().replace(day=1), []
    for _i in range(count):
        months.append(month)
        month = (month.replace(day=1) - timedelta(days=1)).replace(day=1)
    return months


def title(result: Comparison) -> str:
    return _("Monthly visit comparison: %(district)s, %(month)s", district=district_name(result.district),
             month=month_name(result.month))


def csv_bytes(result: Comparison) -> bytes:
    """Every missed household, one a row, in UTF-8 with a BOM; cells escaped against formulas."""
    import csv

    from marketplace.platform.spreadsheet import BOM, spreadsheet_safe

    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out)
    writer.writerow([_("Community"), _("Household"), _("Last visit"), _("Visit due")])
    for m in result.missed:
        writer.writerow([spreadsheet_safe(m.community), spreadsheet_safe(m.pseudonym),
                         m.last_visited_on.isoformat() if m.last_visited_on else "",
                         m.visit_due_on.isoformat() if m.visit_due_on else ""])
    return out.getvalue().encode("utf-8")


def xlsx_bytes(result: Comparison) -> bytes:
    """The counts by community on one sheet and every missed household on another (constant memory)."""
    import xlsxwriter

    from marketplace.platform.spreadsheet import XlsxCells

    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"constant_memory": True})
    cells = XlsxCells(book)
    sheet = book.add_worksheet(_("By community")[:31])
    for c, heading in enumerate((_("Community"), _("Due a visit"), _("Visited"), _("Missed"))):
        sheet.write_string(0, c, heading, cells.bold)
        sheet.set_column(c, c, 24 if c == 0 else 12)
    for r, count in enumerate(result.counts, start=1):
        for c, value in enumerate((count.name, count.due, count.visited, count.missed)):
            cells.write(sheet, r, c, value)
    last = len(result.counts) + 1
    for c, value in enumerate((_("Total"), *result.totals)):
        cells.write(sheet, last, c, value)
    sheet2 = book.add_worksheet(_("Not visited")[:31])
    for c, heading in enumerate((_("Community"), _("Household"), _("Last visit"), _("Visit due"))):
        sheet2.write_string(0, c, heading, cells.bold)
        sheet2.set_column(c, c, 20)
    for r, m in enumerate(result.missed, start=1):
        for c, value in enumerate((m.community, m.pseudonym, m.last_visited_on, m.visit_due_on)):
            cells.write(sheet2, r, c, value)
    about = book.add_worksheet(_("About")[:31])
    rows = ((_("Monthly comparison of visits"), title(result)), (_("Made on"), local_today()))
    for r, (name, value) in enumerate(rows):
        about.write_string(r, 0, name, cells.bold)
        cells.write(about, r, 1, value)
    about.set_column(0, 1, 40)
    book.close()
    return out.getvalue()


def pdf_bytes(result: Comparison) -> bytes:
    """The counts by community and the missed households (the first PDF_ROWS), in the CJK font."""
    from fpdf import FPDF
    from fpdf.enums import XPos, YPos

    from marketplace.web.pdf import FONT, GREY, start_document

    pdf = FPDF(format="A4")
    start_document(pdf, title(result), "", margin=14)
    pdf.set_font(FONT, size=15)
    pdf.multi_cell(0, 8, title(result), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FONT, size=9)
    pdf.set_text_color(*GREY)
    pdf.cell(0, 5, _("Made on %(day)s", day=format_date(local_today(), "medium")),
             new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_text_color(0)
    pdf.ln(2)
    widths = (pdf.epw * 0.46, pdf.epw * 0.18, pdf.epw * 0.18, pdf.epw * 0.18)
    _row(pdf, widths, (_("Community"), _("Due a visit"), _("Visited"), _("Missed")), bold=True)
    for count in result.counts:
        _row(pdf, widths, (count.name, str(count.due), str(count.visited), str(count.missed)))
    _row(pdf, widths, (_("Total"), *(str(n) for n in result.totals)), bold=True)
    pdf.ln(4)
    pdf.set_font(FONT, size=12)
    pdf.cell(0, 7, _("Households not visited"), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    widths = (pdf.epw * 0.34, pdf.epw * 0.26, pdf.epw * 0.2, pdf.epw * 0.2)
    _row(pdf, widths, (_("Community"), _("Household"), _("Last visit"), _("Visit due")), bold=True)
    for m in result.missed[:PDF_ROWS]:
        _row(pdf, widths, (m.community, m.pseudonym, m.last_visited_on.isoformat() if m.last_visited_on else "—",
                           m.visit_due_on.isoformat() if m.visit_due_on else "—"))
    if len(result.missed) > PDF_ROWS or result.more:
        pdf.set_font(FONT, size=9)
        pdf.multi_cell(0, 5, _("The first %(n)d are listed; the spreadsheet lists them all.", n=PDF_ROWS),
                       new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    return bytes(pdf.output())


def _row(pdf, widths, values, bold: bool = False) -> None:
    from fpdf.enums import XPos, YPos

    from marketplace.web.pdf import FONT

    pdf.set_font(FONT, size=10 if bold else 9)
    for i, (w, value) in enumerate(zip(widths, values, strict=True)):
        last = i == len(widths) - 1
        pdf.cell(w, 6, str(value)[:40], border="B" if bold else 0,
                 new_x=XPos.LMARGIN if last else XPos.RIGHT, new_y=YPos.NEXT if last else YPos.TOP)
