"""Uploads an attacker (or a careless phone) might send: a photo of too many pixels is refused from its
header, before a pixel is decoded; fake PDFs, NUL bytes in a file's name and files over the limits get a
message by the file field, with every other field kept as typed; a request too large to read brings the
form back saying so (the API answers its JSON error)."""
from __future__ import annotations

import io
from datetime import date

import pytest
from PIL import ImageFile
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from marketplace.orgs.models import Membership
from marketplace.platform.errors import InvalidInput
from marketplace.platform.extensions import db
from marketplace.timebank.models import HourReport
from marketplace.web import uploads
from marketplace.wishes import beneficiaries, photos
from marketplace.wishes.models import Listing
from tests.files import FAKE_PDF, PNG, huge_png

REPORT_FORM = "/timebank/hour-reports/new"


@pytest.fixture
def no_decoding(monkeypatch):
    """Fail the test if any photo's pixels are decoded."""
    def refuse(self, *args, **kwargs):
        raise AssertionError("a photo's pixels were decoded")
    monkeypatch.setattr(ImageFile.ImageFile, "load", refuse)


def stored_files(app) -> list:
    root = uploads.root()
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.mark.parametrize("size", [(10_000, 10_000), (8_000, 6_000)])  # past Pillow's own bomb limit, and short of it
def test_a_photo_of_too_many_pixels_is_refused_from_its_header(app, no_decoding, size):
    data = huge_png(*size)
    assert len(data) < 100_000
    with pytest.raises(InvalidInput) as refused:
        photos.store_photo(_file(data, "photo.png"), "photo")
    assert "too many pixels" in str(refused.value.fields["photo"][0])
    assert stored_files(app) == []


def test_a_photo_within_the_limit_is_still_decoded_and_kept(app):
    private, public = photos.store_photo(_file(PNG, "small.png"), "photo")
    assert uploads.path_of(private).exists() and uploads.path_of(public).exists()


@pytest.mark.parametrize("data, name, says", [
    (huge_png(), "evidence.png", "too many pixels"),
    (FAKE_PDF, "receipt.pdf", "could not be opened as a PDF;"),  # said as a PDF, not "as a PDF or a photo"
    (PNG, "evi\x00dence.png", "name holds characters"),
    (PNG + b"\x00" * (5 * 1024 * 1024), "evidence.png", "too large (at most 5 MB). Choose a smaller file."),
])
def test_a_refused_hour_report_keeps_what_was_typed(client, auth, volunteer, no_decoding, data, name, says):
    response = report(auth, volunteer, data, name)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert says in field_error(page, "evidence")
    assert "帮邻居搬家，两个小时" in page and 'value="95"' in page
    assert db.session.scalar(select(func.count(HourReport.id))) == 0


def test_a_refused_wish_photo_keeps_the_title_and_story(client, auth, household, no_decoding):
    worker, home = household
    auth.login(worker.email)
    path = f"/wishes/households/{home.id}/listings/new"
    response = auth.post(path, {"kind": "wish", "title": "助听器电池", "story": "奶奶的助听器没电了", "value": "50",
                                "quantity": "1", "photo": (io.BytesIO(huge_png()), "photo.png")},
                         form_page=path, content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "too many pixels" in field_error(page, "photo")
    assert "助听器电池" in page and "奶奶的助听器没电了" in page
    assert db.session.scalar(select(func.count(Listing.id))) == 0


def test_a_request_too_large_to_read_brings_the_form_back_saying_so(client, auth, volunteer, app):
    too_big = app.config["MAX_CONTENT_LENGTH"] + 1
    response = report(auth, volunteer, PNG + b"\x00" * too_big, "evidence.png")
    assert response.status_code == 303 and response.headers["Location"].endswith(REPORT_FORM)
    form = client.get(REPORT_FORM)
    assert form.status_code == 422  # the form, with its file field's message
    assert "too big to receive (at most 16 MB" in field_error(form.get_data(as_text=True), "evidence")
    assert field_error(client.get(REPORT_FORM).get_data(as_text=True), "evidence") == ""  # said once
    assert db.session.scalar(select(func.count(HourReport.id))) == 0


def test_a_request_too_large_to_read_is_said_in_chinese(client, auth, volunteer, app):
    volunteer.locale = "zh_CN"
    db.session.commit()
    report(auth, volunteer, b"\x00" * (app.config["MAX_CONTENT_LENGTH"] + 1), "evidence.png")
    page = client.get(REPORT_FORM).get_data(as_text=True)
    assert "16 MB" in field_error(page, "evidence") and "too big" not in page


def test_the_api_answers_a_request_too_large_to_read_with_its_json_error(client, volunteer, headers, app):
    body = b"\x00" * (app.config["MAX_CONTENT_LENGTH"] + 1)
    response = client.post("/api/v1/funds/NOSUCH/disbursements", headers=headers(volunteer),
                           **multipart({"payee": "x", "evidence": _file(body, "e.pdf")}))
    error = response.get_json()["error"]
    assert response.status_code == 413 and error["code"] == "too_large" and "16 MB" in error["message"]


# --- helpers -------------------------------------------------------------------------------------

def _file(data: bytes, name: str) -> FileStorage:
    return FileStorage(io.BytesIO(data), filename=name)


def field_error(page: str, field: str) -> str:
    """Return the message shown by a field ('' when there is none)."""
    start = page.find(f'id="{field}-error"')
    return "" if start < 0 else page[start:page.find("</p>", start)]


def multipart(fields: dict) -> dict:
    """The body of a form post built in memory (the test client spools large ones to a file it leaves open)."""
    boundary, body = encode_multipart(MultiDict(fields))
    return {"data": body, "content_type": f"multipart/form-data; boundary={boundary}"}


def report(auth, volunteer, data: bytes, name: str):
    auth.login(volunteer.email)
    return auth.client.post(REPORT_FORM, **multipart({
        "organisation_id": str(volunteer.memberships[0].organisation_id), "served_on": date.today().isoformat(),
        "minutes": "95", "description": "帮邻居搬家，两个小时", "evidence": _file(data, name),
        "csrf_token": auth.csrf(REPORT_FORM)}))


@pytest.fixture
def volunteer(create_user, create_org):
    """A member of a volunteer team, who may report hours to it."""
    user = create_user()
    org = create_org("volunteer_team", {create_user(): "coordinator"})
    db.session.add(Membership(organisation_id=org.id, user_id=user.id, role="member"))
    db.session.commit()
    return user


@pytest.fixture
def household(create_user, create_org):
    """(a social worker, a household of her station)."""
    worker = create_user()
    org = create_org("social_work_station", {worker: "staff"})
    home = beneficiaries.register_beneficiary(
        worker, org, pseudonym="青禾12", district_id=1, category="elderly_alone", age_band="80+", full_name="王小明",
        consent_on=date(2026, 1, 1), consent_scope="wishes")
    return worker, home


def test_a_button_too_large_to_read_goes_back_to_its_page_or_says_so(client, app):
    body = multipart({"photo": _file(b"\x00" * (app.config["MAX_CONTENT_LENGTH"] + 1), "photo.png")})
    back = client.post("/wishes/listings/1/deliver", headers={"Referer": "http://localhost/wishes/listings/1?x=1"},
                       **body)
    assert back.status_code == 303 and back.headers["Location"] == "/wishes/listings/1?x=1"
    for referrer in ("https://evil.example/", "http://localhost//evil.example/", "http://localhost/\\evil.example"):
        elsewhere = client.post("/wishes/listings/1/deliver", headers={"Referer": referrer}, **body)
        assert elsewhere.status_code == 413, referrer
        assert "too big to receive (at most 16 MB" in elsewhere.get_data(as_text=True)
