"""The "爱心企业" (caring firm) plaque: a certificate of the meals a firm served in a year, with a code anyone can
check. Its facts are frozen with a keyed SHA-256 over them (the certificates' own), and its PDF is drawn after the
commit by the outbox, under UPLOAD_FOLDER; the firm's staff are told when it is ready."""
from __future__ import annotations

import secrets
from datetime import UTC, date, datetime
from pathlib import Path

from flask_babel import lazy_gettext as _l
from fpdf import FPDF
from fpdf.enums import XPos, YPos
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from config import settings
from marketplace.auth.models import User
from marketplace.meals.models import MealPlaque
from marketplace.meals.points import meals_of, points_earned
from marketplace.meals.rewards import get_org
from marketplace.notifications.service import notify
from marketplace.outbox.service import add_call
from marketplace.platform.codes import readable_code
from marketplace.platform.errors import InvalidInput, NotFound
from marketplace.platform.extensions import db
from marketplace.platform.i18n import money
from marketplace.platform.ids import as_id
from marketplace.platform.links import site_url
from marketplace.platform.sqlite import savepoint
from marketplace.platform.timeutil import local_today
from marketplace.referrals.dispatch import staff_of
from marketplace.timebank.certificates.service import CODE_LENGTH, content_hash, normalise_code
from marketplace.web.pdf import FONT, bilingual, grouped, qr_code, small_print, start_document
from marketplace.web.uploads import path_of

FIRST_YEAR = 2000
FOLDER = "meal_plaques"
ISSUED_AT = "%Y-%m-%dT%H:%M:%SZ"


def content_of(plaque: MealPlaque) -> dict:
    """Return the plaque's facts as the content its hash covers."""
    return {"v": 1, "kind": "meal_plaque", "code": plaque.code, "organisation_id": plaque.organisation_id,
            "year": plaque.year, "meals": plaque.meals, "value_fen": plaque.value_fen, "points": plaque.points,
            "issued_at": plaque.issued_at.astimezone(UTC).strftime(ISSUED_AT)}


def issue_plaque(actor: User, firm_id, year) -> MealPlaque:
    """Issue the firm's plaque for a year it served meals in (the one already issued, if any); its PDF follows.

    :raise InvalidInput: the year is not a year up to this one, or the firm served no meal in it.
    """
    firm = get_org(actor, firm_id)
    this_year = local_today().year
    if isinstance(year, bool) or not isinstance(year, int) or not FIRST_YEAR <= year <= this_year:
        raise InvalidInput(fields={"year": [_l("Choose a year from %(first)d to %(last)d.", first=FIRST_YEAR,
                                                last=this_year)]})
    found = db.session.scalar(select(MealPlaque).where(MealPlaque.organisation_id == firm.id,
                                                       MealPlaque.year == year))
    if found is not None:
        return found
    start, end = date(year, 1, 1), date(year, 12, 31)
    served = meals_of(firm, start, end)
    if served.served <= 0:
        raise InvalidInput(fields={"year": [_l("The firm served no donated meal in %(year)d.", year=year)]})
    plaque = MealPlaque(organisation_id=firm.id, year=year, code=_new_code(), meals=served.served,
                        value_fen=served.value_fen, points=points_earned([firm.id], start, end).get(firm.id, 0),
                        issued_by_id=actor.id, issued_at=datetime.now(UTC).replace(microsecond=0),
                        content_sha256="")
    plaque.content_sha256 = content_hash(content_of(plaque))
    try:
        with savepoint():
            db.session.add(plaque)
            db.session.flush()
    except IntegrityError:  # the same year's plaque, asked for at the same moment: that one stands
        db.session.rollback()
        return db.session.scalar(select(MealPlaque).where(MealPlaque.organisation_id == firm.id,
                                                          MealPlaque.year == year))
    add_call("marketplace.meals.plaque.render_pdf", plaque.id)
    db.session.commit()
    return plaque


def plaques_of(firm) -> list[MealPlaque]:
    return list(db.session.scalars(select(MealPlaque).where(MealPlaque.organisation_id == firm.id)
                                   .order_by(MealPlaque.year.desc())))


def get_plaque(actor: User, plaque_id) -> MealPlaque:
    """Return a plaque its firm's staff may download; NotFound otherwise."""
    plaque = db.session.get(MealPlaque, as_id(plaque_id)) if as_id(plaque_id) else None
    if plaque is None:
        raise NotFound()
    get_org(actor, plaque.organisation_id)
    return plaque


def verify(code) -> tuple[MealPlaque, bool] | None:
    """Return the plaque with this code and whether its facts still match their hash; None for no such code."""
    code = normalise_code(code)
    plaque = db.session.scalar(select(MealPlaque).where(MealPlaque.code == code)) if code else None
    if plaque is None:
        return None
    return plaque, secrets.compare_digest(content_hash(content_of(plaque)), plaque.content_sha256 or "")


def pdf_file(plaque: MealPlaque) -> Path | None:
    """Return the plaque's drawn PDF, or None while it is still being drawn."""
    if not plaque.pdf_path:
        return None
    try:
        path = path_of(plaque.pdf_path)
    except FileNotFoundError:
        return None
    return path if path.is_file() else None


def render_pdf(plaque_id: int) -> None:
    """Draw the plaque's PDF under UPLOAD_FOLDER and tell the firm's staff (run by the outbox; safe to repeat)."""
    plaque = db.session.get(MealPlaque, plaque_id)
    if plaque is None or pdf_file(plaque) is not None:
        return
    name = f"{FOLDER}/{plaque.code}.pdf"
    path = Path(settings.UPLOAD_FOLDER) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(draw(plaque))
    plaque.pdf_path = name
    for user in staff_of(plaque.organisation_id):
        notify(user, "meals_plaque", link=("meals.points_page", {"points_firm_id": plaque.organisation_id}),
               year=plaque.year, code=grouped(plaque.code))
    db.session.commit()


def draw(plaque: MealPlaque) -> bytes:
    """Lay out the plaque as a bilingual A4 page with a QR code to its public check."""
    pdf = FPDF(format="A4")
    code = grouped(plaque.code)
    url = site_url("meals.plaque_verify", plaque_code=plaque.code)
    start_document(pdf, _l("Caring firm plaque"), code, margin=20)
    qr_code(pdf, url)
    pdf.set_font(FONT, size=26)
    pdf.cell(text="爱心企业", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FONT, size=13)
    pdf.cell(text=bilingual(_l("Caring firm plaque")), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_y(max(pdf.get_y(), pdf.t_margin + 38) + 6)
    org = plaque.organisation
    facts = [(_l("Firm"), f"{org.name_zh} / {org.name_en}"), (_l("Year"), str(plaque.year)),
             (_l("Donated meals served"), str(plaque.meals)), (_l("Their value"), money(plaque.value_fen)),
             (_l("Points earned"), str(plaque.points)), (_l("Plaque code"), code)]
    for label, value in facts:
        pdf.set_font(FONT, size=10)
        pdf.cell(w=70, h=8, text=bilingual(label))
        pdf.set_font(FONT, size=13)
        pdf.cell(w=90, h=8, text=value, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(6)
    small_print(pdf, _l("Thank you for the free meals your firm gave people looking for work. Anyone can check "
                        "this plaque: scan the QR code or open the address below."))
    pdf.set_text_color(0)
    pdf.set_font(FONT, size=10)
    pdf.cell(text=url, link=url, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    return bytes(pdf.output())


def _new_code() -> str:
    return readable_code(CODE_LENGTH, lambda code: db.session.scalar(
        select(MealPlaque.id).where(MealPlaque.code == code)) is not None)
