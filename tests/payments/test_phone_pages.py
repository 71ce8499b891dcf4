"""Giving and payment pages as a donor or an admin reads them: every page opens, says things in words
(never a code like `refund_unfunded`), and keeps what was typed after an error."""
from datetime import date

from marketplace.payments import attention, shares
from marketplace.payments.models import PaymentEvent
from marketplace.platform.extensions import db


def test_the_give_now_page_of_a_need_opens_with_what_is_still_needed(client, auth, station, create_listing):
    need = create_listing(kind="household_need")
    shares.record_share(station.worker, need.id, source="government", amount_fen=400_000, received_on=date.today())
    auth.login(station.donor.email)
    page = client.get(f"/payments/give/need/{need.public_code}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Still needed: ¥6,000.00" in text and "Continue to payment" in text
    assert "Refund me what it no longer needs" in text


def test_a_gift_above_what_a_need_lacks_is_refused_and_the_form_keeps_what_was_typed(client, auth, station,
                                                                                     create_listing):
    need = create_listing(kind="household_need")
    shares.record_share(station.worker, need.id, source="government", amount_fen=900_000, received_on=date.today())
    auth.login(station.donor.email)
    path = f"/payments/give/need/{need.public_code}"
    answer = auth.post(path, {"amount": "2000", "display": "anonymous", "message": "一点心意",
                              "excess_choice": "refund"}, form_page=path)
    text = answer.get_data(as_text=True)
    assert answer.status_code in (409, 422) and "¥1,000.00" in text
    assert 'value="2000"' in text and "一点心意" in text
    assert '<input checked id="excess_choice-1" name="excess_choice" type="radio" value="refund">' in text
    assert "Only ¥1,000.00 is still needed" in text


def test_payments_waiting_for_people_are_named_in_words(client, auth, create_user, station, fund):
    attention.flag("refund.request_failed", None, "note")
    for n, (outcome, kind) in enumerate([("refund_unfunded", "charge.refunded"),
                                         ("refused:unknown_donation", "charge.refunded"),
                                         ("dispute_unfunded", "charge.dispute.created")]):
        db.session.add(PaymentEvent(event_id=f"evt_test{n}", type=kind, provider="stripe", outcome=outcome,
                                    payload="{}", needs_attention=True))
    db.session.commit()
    auth.login(create_user(admin=True).email)
    text = client.get("/payments/attention").get_data(as_text=True)
    shown = _visible(text.split("<tbody>")[1].split("</tbody>")[0])
    for code in ("refund_unfunded", "unknown_donation", "dispute_unfunded", "charge.refunded", "charge.dispute"):
        assert code not in shown
    assert "The refunded money was already paid out of the fund." in text
    assert "It names no gift we know." in text and "Dispute (chargeback)" in text
    assert "Stripe would not take our refund." in text


def _visible(html: str) -> str:
    """The text a reader sees: tags and their attributes removed."""
    import re

    return re.sub(r"<[^>]+>", " ", html)


def test_the_offline_form_explains_a_late_entry_and_asks_for_the_file_again_after_an_error(
        client, auth, station, fund):
    auth.login(station.admin.email)  # an organisation admin keeps the books
    path = f"/payments/orgs/{station.org.id}/offline"
    text = client.get(path).get_data(as_text=True)
    assert "Finance staff only. The gift and its receipt keep the day received." in text
    answer = auth.post(path, {"fund_id": str(fund.id), "method": "bank", "amount": "120", "payer_name": "陈大文",
                              "display": "masked", "received_on": "2099-01-01"}, form_page=path)
    text = answer.get_data(as_text=True)
    assert 'value="120"' in text and "陈大文" in text and "Choose the evidence file again" in text
