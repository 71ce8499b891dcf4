"""Stripe payouts entered by platform staff post the same entry as the payout event, once."""
import pytest

from marketplace.ledger import service as ledger
from marketplace.ledger.errors import IdempotencyConflict
from marketplace.payments import payouts, service
from marketplace.platform.errors import Forbidden, InvalidInput


def clearing_and_bank():
    return (ledger.balance(ledger.platform_account("stripe_clearing")).posted,
            ledger.balance(ledger.platform_account("bank")).posted)


def test_a_payout_moves_clearing_to_the_bank_once_however_it_arrives(create_user):
    admin = create_user(admin=True)
    payouts.record_payout(admin, "po_123", 50_000)
    assert clearing_and_bank() == (50_000, -50_000)
    service.apply_payout("po_123", 50_000)  # the same payout reported by Stripe
    payouts.record_payout(admin, "po_123", 50_000)
    assert clearing_and_bank() == (50_000, -50_000)
    with pytest.raises(IdempotencyConflict):
        payouts.record_payout(admin, "po_123", 40_000)


@pytest.mark.parametrize("payout_id,amount", [("", 100), ("po 1", 100), ("po_1;--", 100), ("po_1", 0),
                                              ("po_1", -5), ("po_1", 1.5), ("x" * 200, 100)])
def test_bad_payouts_are_refused_and_post_nothing(create_user, payout_id, amount):
    with pytest.raises(InvalidInput):
        payouts.record_payout(create_user(admin=True), payout_id, amount)
    assert ledger.platform_account("bank") and clearing_and_bank() == (0, 0)


def test_only_platform_admins_record_payouts(create_user):
    with pytest.raises(Forbidden):
        payouts.record_payout(create_user(), "po_1", 100)
    assert clearing_and_bank() == (0, 0)


def test_the_admin_page_records_a_payout_in_yuan(client, auth, create_user):
    create_user(email="root@example.org", admin=True)
    auth.login("root@example.org")
    assert "Record a Stripe payout" in client.get("/admin/").get_data(as_text=True)
    response = auth.post("/admin/payouts", {"payout_id": "po_9", "amount": "1,234.50"}, form_page="/admin/")
    assert response.status_code == 302
    assert "The payout is recorded." in client.get("/admin/").get_data(as_text=True)
    assert clearing_and_bank() == (123_450, -123_450)
    auth.post("/admin/payouts", {"payout_id": "po 9", "amount": "abc"}, form_page="/admin/")
    assert clearing_and_bank() == (123_450, -123_450)
