"""A need's and a wish's money as people read it: each co-funding share beside what it gave, what is still
needed, a cancellation's money, and the site's own status notes in words."""
from datetime import date

from marketplace.payments import demo_provider, service, shares
from marketplace.platform.extensions import db
from marketplace.wishes import cancellations, claims, pledges


def test_a_need_page_shows_each_share_beside_what_it_gave_and_the_remainder(client, station, create_listing):
    need = create_listing(kind="household_need")
    shares.record_share(station.worker, need.id, source="government", amount_fen=400_000, received_on=date.today())
    pledges.pledge(need.id, station.donor, 100_000)
    text = client.get(f"/wishes/{need.public_code}").get_data(as_text=True)
    table = text.split("data-coverage")[1].split("</table>")[0]
    government = table.split('data-source="government"')[1].split("</tr>")[0]
    assert "¥4,000.00" in government and government.count("¥4,000.00") == 2  # planned, and given
    assert "Still needed: ¥5,000.00" in text and "of which ¥4,000.00 has arrived" in text


def test_staff_read_a_proposed_cancellation_with_its_money_and_status_notes_in_words(
        client, auth, station, create_listing):
    wish = create_listing()
    claims.claim_wish(wish.id, station.donor, "money")
    donation = service.pay_wish(station.donor, wish.public_code)
    demo_provider.checkout(station.donor, donation.public_code)
    cancellations.propose(station.worker, wish.id, "reallocate", "家庭已搬离本区")
    db.session.commit()
    auth.login(station.checker.email)
    text = client.get(f"/wishes/listings/{wish.id}").get_data(as_text=True)
    notice = text.split("data-open-cancellation")[1].split("</div>")[0]
    assert "Money concerned: ¥200.00." in notice and "Do not cancel" in notice
    history = text.split("<tbody>")[-1]
    assert ">Claimed<" in history and ">claim<" not in history


def test_staff_see_money_pledged_but_not_yet_paid(client, auth, station, create_listing):
    need = create_listing(kind="household_need")
    pledges.pledge(need.id, station.donor, 300_000)
    auth.login(station.worker.email)
    text = client.get(f"/wishes/listings/{need.id}").get_data(as_text=True)
    assert "¥3,000.00 more is pledged and not yet paid." in text


def test_a_donor_reads_that_the_wish_they_paid_was_cancelled_and_where_the_money_went(
        client, auth, station, create_listing):
    wish = create_listing()
    claims.claim_wish(wish.id, station.donor, "money")
    donation = service.pay_wish(station.donor, wish.public_code)
    demo_provider.checkout(station.donor, donation.public_code)
    proposed = cancellations.propose(station.worker, wish.id, "reallocate", "家庭已搬离本区")
    cancellations.decide(station.checker, proposed.id, True)
    auth.login(station.donor.email)
    row = client.get("/payments/my").get_data(as_text=True).split(f'data-donation="{donation.public_code}"')[1]
    row = row.split("</tr>")[0]
    assert "went to the organisation’s community fund" in row
    assert f'href="/wishes/{wish.public_code}"' not in row  # its page is gone: no dead link
