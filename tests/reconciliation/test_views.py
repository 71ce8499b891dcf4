"""Reconciliation pages: upload and follow an import, read a refused file's report, resolve on the
unmatched screen, read the report and its XLSX; other organisations' staff and anonymous users are refused."""
import io
import re
from datetime import datetime, timedelta

import openpyxl
import pytest
from sqlalchemy import func, select

from marketplace.ledger.models import LedgerEntry
from marketplace.platform.extensions import db
from marketplace.platform.timeutil import local_today
from marketplace.reconciliation import profiles
from marketplace.reconciliation.books import books_for
from marketplace.reconciliation.models import ReconciliationMatch, StatementImport, StatementLine
from tests.reconciliation.world import bank_gift


@pytest.fixture
def layout(world):
    return profiles.save_profile(world.staff, books_for(world.staff, world.org.id), name="农业银行",
                                 date_column="日期", date_format="%Y-%m-%d", amount_column="金额",
                                 description_column="摘要", reference_column="流水号", encoding="utf-8-sig")


def csv_of(*lines: str) -> bytes:
    return ("日期,金额,摘要,流水号\n" + "".join(f"{line}\n" for line in lines)).encode("utf-8-sig")


def send(auth, org_id, data, layout_id, kind="bank"):
    home = f"/reconciliation/orgs/{org_id}/"
    return auth.post(f"{home}imports", {"kind": kind, "profile_id": str(layout_id),
                                        "upload": (io.BytesIO(data), "statement.csv")},
                     form_page=home, content_type="multipart/form-data")


def test_staff_upload_a_statement_and_see_it_imported_and_matched(client, auth, world, layout):
    bank_gift(world, 30_000, local_today(), reference="R1")
    auth.login(world.staff.email)
    page = client.get(f"/reconciliation/orgs/{world.org.id}/")
    assert page.status_code == 200 and "农业银行" in page.get_data(as_text=True)
    response = send(auth, world.org.id, csv_of(f"{local_today()},300.00,转账,R1", f"{local_today()},-2.00,手续费,R2"),
                    layout.id)
    assert response.status_code == 302
    shown = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Imported" in shown and 'data-figure="matched">1<' in shown and "http-equiv" not in shown


def test_a_running_import_page_refreshes_itself(client, auth, world, layout):
    batch = StatementImport(owner_type="organisation", owner_id=world.org.id, kind="bank", profile_id=layout.id,
                            account_id=_bank_account(world).id,
                            status="importing", rows_total=100_000, rows_done=40_000, uploaded_by_id=world.staff.id)
    db.session.add(batch)
    db.session.commit()
    auth.login(world.staff.email)
    page = client.get(f"/reconciliation/imports/{batch.id}").get_data(as_text=True)
    assert '<meta http-equiv="refresh" content="2">' in page and 'value="40000"' in page


def _bank_account(world):
    from marketplace.ledger import service as ledger

    account = ledger.open_account("organisation", world.org.id, "bank")
    db.session.commit()
    return account


def test_a_bad_file_shows_every_bad_line_and_imports_nothing(client, auth, world, layout):
    auth.login(world.staff.email)
    response = send(auth, world.org.id, csv_of(f"{local_today()},1.001,x,R1", "yesterday,1.00,x,R2"), layout.id)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "An amount may have at most 2 decimals (fen)." in page
    assert "This is not a date in the expected format." in page
    assert 'data-line="2"' in page and 'data-line="3"' in page
    assert db.session.scalar(select(func.count(StatementLine.id))) == 0


def test_an_upload_without_a_file_or_layout_answers_422(client, auth, world, layout):
    auth.login(world.staff.email)
    home = f"/reconciliation/orgs/{world.org.id}/"
    response = auth.post(f"{home}imports", {"kind": "bank", "profile_id": "999999"}, form_page=home)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Choose a CSV file." in page and "Choose one of your saved bank layouts." in page


def test_the_unmatched_screen_matches_and_corrects(client, auth, world, layout):
    gift = bank_gift(world, 30_000, local_today())
    old = (local_today() - timedelta(days=30)).isoformat()
    auth.login(world.staff.email)
    send(auth, world.org.id, csv_of(f"{old},300.00,转账,R1", f"{old},-2.00,手续费,R2"), layout.id)
    base = f"/reconciliation/orgs/{world.org.id}"
    query = f"?account=bank&start={old}&end={local_today()}"
    page = client.get(f"{base}/unmatched{query}").get_data(as_text=True)
    line_ids = [int(i) for i in re.findall(r'name="line_id" value="(\d+)"', page)]
    posting_ids = [int(i) for i in re.findall(r'name="posting_id" value="(\d+)"', page)]
    assert len(line_ids) == 2 and len(posting_ids) == 1
    lines = {db.session.get(StatementLine, i).amount_fen: i for i in line_ids}
    refused = auth.post(f"{base}/match{query}", {"line_id": lines[-200], "posting_id": posting_ids[0]},
                        form_page=f"{base}/unmatched{query}")
    assert refused.status_code == 422 and "The amounts differ" in refused.get_data(as_text=True)
    done = auth.post(f"{base}/match{query}", {"line_id": lines[30_000], "posting_id": posting_ids[0]},
                     form_page=f"{base}/unmatched{query}")
    assert done.status_code == 302
    said = client.get(done.headers["Location"]).get_data(as_text=True)  # what happened, in plain words
    day = datetime.strptime(old, "%Y-%m-%d")
    assert (f"Bank movement of ¥300.00 on {day.day} {day.strftime('%b %Y')} is matched to gift {gift.public_code} "
            "(Gift, ") in said
    no_reason = auth.post(f"{base}/correct{query}", {"line_id": lines[-200], "reason": ""},
                          form_page=f"{base}/unmatched{query}")
    assert no_reason.status_code == 422 and "Give the reason" in no_reason.get_data(as_text=True)
    corrected = auth.post(f"{base}/correct{query}", {"line_id": lines[-200], "reason": "bank charge"},
                          form_page=f"{base}/unmatched{query}")
    assert corrected.status_code == 302
    said = client.get(corrected.headers["Location"]).get_data(as_text=True)
    assert "A correcting entry is posted. Bank movement of -¥2.00 on" in said and "(Correction, " in said
    assert db.session.scalar(select(func.count(ReconciliationMatch.id))) == 2
    assert db.session.scalar(select(func.count(LedgerEntry.id)).where(
        LedgerEntry.kind == "reconciliation.correction")) == 1
    assert gift.status == "completed"


def test_the_report_page_and_its_xlsx_show_the_figures(client, auth, world, layout):
    bank_gift(world, 30_000, local_today())
    bank_gift(world, 11_100, local_today())
    auth.login(world.staff.email)
    send(auth, world.org.id, csv_of(f"{local_today()},300.00,转账,R1", f"{local_today()},=cmd|' /C calc'!A0,x,R2"),
         layout.id)
    send(auth, world.org.id, csv_of(f"{local_today()},300.00,转账,R1", f"{local_today()},-2.00,=HYPERLINK(1),R2"),
         layout.id)
    query = f"?account=bank&start={local_today()}&end={local_today()}"
    page = client.get(f"/reconciliation/orgs/{world.org.id}/report{query}").get_data(as_text=True)
    assert "data-statement-total>¥298.00<" in page and "data-ledger-total>¥411.00<" in page
    assert 'data-statement-unmatched="1"' in page and 'data-ledger-unmatched="1"' in page
    response = client.get(f"/reconciliation/orgs/{world.org.id}/report.xlsx{query}")
    assert response.status_code == 200 and response.mimetype.endswith("spreadsheetml.sheet")
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    summary = {row[0]: row[1] for row in book.worksheets[0].iter_rows(values_only=True)}
    assert summary["Statement: total"] == pytest.approx(298.0) and summary["Ledger: total"] == pytest.approx(411.0)
    assert summary["Statement: unmatched lines"] == 1 and summary["Ledger: unmatched total"] == pytest.approx(111.0)
    assert summary["Account"] == "Bank account" and summary["From"].date() == local_today()  # words, real dates
    lines = list(book.worksheets[1].iter_rows(values_only=True))
    assert len(lines) == 2 and lines[1][2] == pytest.approx(-2.0) and lines[1][6] == "'=HYPERLINK(1)"
    assert lines[1][1].date() == local_today() and lines[1][3] == "Bank movement"
    amount = book.worksheets[1].cell(row=2, column=3)
    assert amount.data_type == "n" and "¥" in amount.number_format and book.worksheets[1].cell(row=2, column=2).is_date


def test_a_bad_period_is_a_clear_422(client, auth, world):
    auth.login(world.staff.email)
    response = client.get(f"/reconciliation/orgs/{world.org.id}/report?start=2026-02-31")
    assert response.status_code == 422
    response = client.get(f"/reconciliation/orgs/{world.org.id}/unmatched?account=stripe_clearing")
    assert response.status_code == 422


def test_the_platform_admin_reconciles_the_platform_books(client, auth, world):
    auth.login(world.admin.email)
    for path in ("/reconciliation/", "/reconciliation/platform/", "/reconciliation/platform/unmatched",
                 "/reconciliation/platform/report?account=stripe_clearing", "/reconciliation/platform/report.xlsx"):
        assert client.get(path).status_code == 200, path


@pytest.mark.parametrize("path", ["/", "/unmatched", "/report", "/report.xlsx", "/profiles/new"])
def test_other_organisations_staff_and_anonymous_users_are_refused(client, auth, world, layout, path):
    url = f"/reconciliation/orgs/{world.org.id}{path}"
    response = client.get(url)
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    auth.login(world.other_staff.email)
    assert client.get(url).status_code == 404
    assert client.get(f"/reconciliation/platform{path}").status_code == 403


def test_posts_of_other_organisations_staff_change_nothing(client, auth, world, layout):
    bank_gift(world, 30_000, local_today())
    auth.login(world.other_staff.email)
    base = f"/reconciliation/orgs/{world.org.id}"
    for action, data in (("match", {"line_id": "1", "posting_id": "1"}), ("correct", {"line_id": "1", "reason": "x"}),
                         ("match-run", {"account": "bank"}), ("profiles/new", {"name": "x"})):
        assert auth.post(f"{base}/{action}", data).status_code == 404
    assert client.get(f"{base}/profiles/{layout.id}").status_code == 404
    auth.logout()
    auth.login(world.staff.email)
    send(auth, world.org.id, csv_of(f"{local_today()},1.00,x,R1"), layout.id)
    batch = db.session.scalar(select(StatementImport))
    auth.logout()
    auth.login(world.other_staff.email)
    assert client.get(f"/reconciliation/imports/{batch.id}").status_code == 404
    assert db.session.scalar(select(func.count(ReconciliationMatch.id))) == 0


def test_matching_again_finds_gifts_recorded_after_the_import(client, auth, world, layout):
    auth.login(world.staff.email)
    send(auth, world.org.id, csv_of(f"{local_today()},300.00,转账,R1"), layout.id)
    bank_gift(world, 30_000, local_today())
    home = f"/reconciliation/orgs/{world.org.id}/"
    assert auth.post(f"{home}match-run", {"account": "nope"}, form_page=home).status_code == 422
    response = auth.post(f"{home}match-run", {"account": "bank"}, form_page=home)
    assert response.status_code == 302
    assert "1 line matched." in client.get(response.headers["Location"]).get_data(as_text=True)
    assert db.session.scalar(select(ReconciliationMatch.method)) == "amount"
