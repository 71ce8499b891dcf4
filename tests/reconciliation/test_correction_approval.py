"""A correcting entry above the second-person amount is asked for by one person and posted only when
someone else approves it; a refused one posts nothing."""
import pytest
from sqlalchemy import func, select

from marketplace.ledger.models import LedgerEntry
from marketplace.platform.errors import Conflict
from marketplace.platform.extensions import db
from marketplace.reconciliation import resolve
from marketplace.reconciliation.models import CorrectionRequest, ReconciliationMatch
from tests.reconciliation.test_resolve import lines  # noqa: F401  (the fixture)

pytestmark = pytest.mark.parametrize("app_config", [{"MONEY_SECOND_PERSON_ABOVE_FEN": 1_000}])  # ¥10


def corrections() -> int:
    return db.session.scalar(select(func.count()).select_from(LedgerEntry)
                             .where(LedgerEntry.kind == "reconciliation.correction"))


def test_a_large_correction_waits_and_the_asker_cannot_approve_it(world, books, lines):  # noqa: F811
    found, _posting = lines
    asked = resolve.correct(world.staff, books, found[-1_250].id, "银行手续费")
    assert isinstance(asked, CorrectionRequest) and asked.status == "requested" and corrections() == 0
    with pytest.raises(Conflict):
        resolve.correct(world.staff, books, found[-1_250].id, "again")
    db.session.rollback()
    with pytest.raises(Conflict, match="Someone other than"):
        resolve.approve_correction(world.staff, books, asked.id)
    db.session.rollback()
    match = resolve.approve_correction(world.admin, books, asked.id)
    assert match.method == "correction" and corrections() == 1
    assert db.session.get(CorrectionRequest, asked.id).decided_by_id == world.admin.id
    with pytest.raises(Conflict):
        resolve.reject_correction(world.admin, books, asked.id)


def test_a_refused_correction_posts_nothing(world, books, lines):  # noqa: F811
    found, _posting = lines
    asked = resolve.correct(world.staff, books, found[29_900].id, "不明入账")
    assert resolve.reject_correction(world.staff, books, asked.id).status == "rejected"
    assert corrections() == 0 and db.session.scalar(select(func.count(ReconciliationMatch.id))) == 0


def test_the_second_person_approves_on_the_unmatched_page(client, auth, world, books, lines):  # noqa: F811
    found, _posting = lines
    asked = resolve.correct(world.staff, books, found[-1_250].id, "银行手续费")
    page = f"/reconciliation/orgs/{world.org.id}/unmatched"
    auth.login(world.staff.email)
    assert "someone else must approve" in client.get(page).get_data(as_text=True)
    auth.logout()
    auth.login(world.admin.email)
    response = auth.post(f"/reconciliation/orgs/{world.org.id}/corrections/{asked.id}/approve", {}, form_page=page)
    assert response.status_code == 302 and corrections() == 1


def test_the_approver_sees_which_statement_line_and_who_asked_in_words(client, auth, world, books, lines):  # noqa: F811
    found, _posting = lines
    resolve.correct(world.staff, books, found[-1_250].id, "银行手续费")
    auth.login(world.admin.email)
    text = client.get(f"/reconciliation/orgs/{world.org.id}/unmatched").get_data(as_text=True)
    waiting = text.split("data-waiting-corrections")[1].split("</table>")[0]
    assert "手续费" in waiting and "会计小王" in waiting and "Bank movement" in waiting
    assert ">bank<" not in text  # the statement lines' kind in words too
