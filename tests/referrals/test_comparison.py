"""The monthly comparison (月比对): missed households by community, for officers and staff only, and its
spreadsheet and PDF with no name or phone in them."""
import io
from datetime import timedelta

import openpyxl
import pytest
from flask_babel import force_locale
from pypdf import PdfReader

from marketplace.platform.errors import Forbidden, InvalidInput
from marketplace.platform.extensions import db
from marketplace.platform.timeutil import local_today
from marketplace.referrals import comparison, visits
from tests.referrals.conftest import PRIVATE


def _visit(care, household, day):
    return visits.record_visit(care.station.worker, household.beneficiary_id, visited_on=day, mode="phone",
                               minutes=0, health="血压稳定")


def test_a_household_missed_this_month_is_listed_until_it_is_visited(care):
    month = local_today().replace(day=1)
    result = comparison.monthly(care.officer, month, 1)
    assert {m.pseudonym for m in result.missed} == {"青禾12", "青禾13"}
    assert {(c.community_id, c.due, c.visited, c.missed) for c in result.counts} == {
        (care.east.id, 1, 0, 1), (care.west.id, 1, 0, 1)}
    _visit(care, care.home, local_today())
    result = comparison.monthly(care.officer, month, 1)
    assert [m.pseudonym for m in result.missed] == ["青禾13"]
    assert result.totals == (2, 1, 1)
    east = comparison.monthly(care.station.worker, month, 1, care.east.id)
    assert east.missed == [] and [(c.due, c.visited) for c in east.counts] == [(1, 1)]


def test_an_earlier_month_is_read_from_the_visits_themselves(care):
    last_month = (local_today().replace(day=1) - timedelta(days=1)).replace(day=1)
    care.home.enrolled_on = care.family.enrolled_on = last_month  # both in care since last month
    db.session.commit()
    _visit(care, care.family, last_month + timedelta(days=3))
    _visit(care, care.home, local_today())  # this month's visit does not count for last month
    result = comparison.monthly(care.officer, last_month, 1)
    assert [m.pseudonym for m in result.missed] == ["青禾12"]
    assert result.totals == (2, 1, 1)


def test_only_officers_and_staff_compare_and_staff_see_their_own_households(care, create_user):
    month = local_today().replace(day=1)
    with pytest.raises(Forbidden):
        comparison.monthly(care.volunteer, month, 1)
    assert comparison.monthly(care.charity_staff, month, 1).missed == []  # staff of a charity with no households
    assert [d.id for d in comparison.districts_for(care.officer)] == [1]
    with pytest.raises(InvalidInput):
        comparison.monthly(care.officer, month, 999)
    with pytest.raises(InvalidInput):
        comparison.monthly(care.officer, month, 1, 999)


def test_the_downloads_open_in_chinese_and_hold_no_name_or_phone(care):
    with force_locale("zh_CN"):
        result = comparison.monthly(care.officer, local_today(), 1)
        xlsx, pdf = comparison.xlsx_bytes(result), comparison.pdf_bytes(result)
    book = openpyxl.load_workbook(io.BytesIO(xlsx), read_only=True)
    cells = " ".join(str(v) for sheet in book for row in sheet.iter_rows(values_only=True) for v in row if v)
    assert "青禾12" in cells and "东街社区" in cells
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "青禾12" in text and "东街社区" in text and "月比对" in text
    for secret in PRIVATE.values():
        assert secret not in cells and secret not in text


def test_ids_out_of_range_are_refused_as_input_not_as_a_database_error(care):
    for district, community in (("9" * 30, None), (1, "9" * 30), (1, "-1"), ("abc", None), (1, "")):
        with pytest.raises(InvalidInput):
            comparison.monthly(care.officer, local_today(), district, community)
    assert comparison.monthly(care.officer, local_today(), "1", str(care.east.id)).community_id == care.east.id


def test_a_household_enrolled_after_a_month_is_not_counted_as_missed_in_it(care):
    last_month = (local_today().replace(day=1) - timedelta(days=1)).replace(day=1)
    care.family.enrolled_on = last_month
    db.session.commit()  # the elderly person alone was enrolled today
    result = comparison.monthly(care.officer, last_month, 1)
    assert [m.pseudonym for m in result.missed] == ["青禾13"]
    assert result.totals == (1, 0, 1)
