"""The transparency score of a made-up organisation: receipts published, gifts spent within 90 days, lights."""
from __future__ import annotations

from datetime import timedelta

import pytest

from marketplace.funds import disbursements
from marketplace.platform.extensions import db
from marketplace.platform.timeutil import now_utc
from marketplace.transparency import score


@pytest.fixture(autouse=True)
def no_cache(app):
    app.config["TRANSPARENCY_CACHE_SECONDS"] = 0


def test_the_score_counts_receipts_fifo_spending_and_lights(client, station, create_fund, give, create_listing,
                                                            upload):
    now = now_utc()
    day = lambda n: now - timedelta(days=300 - n)  # noqa: E731  (day 0 is 300 days ago, day 300 today)
    fund = create_fund(0)
    gifts = [(give(fund, 10_000), day(0)), (give(fund, 10_000), day(10)), (give(fund, 10_000), day(250))]
    refunded = give(fund, 5_000)
    refunded.refunded_fen, refunded.status = 5_000, "refunded"  # refunded in full: it never counts
    for gift, at in gifts + [(refunded, day(5))]:
        gift.completed_at = at
    first = disbursements.request_disbursement(station.worker, fund, payee="店", purpose="米", amount_fen=15_000,
                                               evidence_file=upload())
    second = disbursements.request_disbursement(station.worker, fund, payee="店", purpose="油", amount_fen=3_000,
                                                evidence_file=upload())
    disbursements.request_disbursement(station.worker, create_fund(200_000), payee="店", purpose="大件",
                                       amount_fen=150_000, evidence_file=upload())  # above the threshold: waiting
    disbursements.publish_receipt(station.worker, first.id, upload("png"))
    first.decided_at, second.decided_at = day(50), day(200)
    green = create_listing()
    yellow, red = create_listing(), create_listing()
    yellow.status_changed_at, red.status_changed_at = now - timedelta(days=20), now - timedelta(days=40)
    create_listing(status="draft")  # not on the board
    db.session.commit()

    figures = score.compute(station.org.id, now=now)
    # day 50 pays ¥150 from the day-0 gift (¥100) and the day-10 gift (¥50), both within 90 days;
    # day 200 pays ¥30 more of the day-10 gift, 190 days after it came. The day-250 gift is too young.
    assert figures["eligible_fen"] == 20_000 and figures["within_fen"] == 15_000
    assert (figures["paid"], figures["published"]) == (2, 1)
    assert figures["lights"] == {"green": 1, "yellow": 1, "red": 1}
    assert green.id

    page = client.get(f"/transparency/orgs/{station.org.id}").get_data(as_text=True)
    assert "data-receipts>50%" in page and "data-within>75%" in page
    assert "data-green>1<" in page and "data-red>1<" in page


def test_an_organisation_with_nothing_yet_shows_no_percentages(client, create_org):
    org = create_org(name_en="New Charity")
    figures = score.compute(org.id)
    assert figures == {"paid": 0, "published": 0, "eligible_fen": 0, "within_fen": 0,
                       "lights": {"red": 0, "yellow": 0, "green": 0}}
    page = client.get(f"/transparency/orgs/{org.id}").get_data(as_text=True)
    assert "data-receipts>—" in page and "data-within>—" in page


def test_percent_rounds_down_and_has_nothing_to_say_about_nothing():
    assert score.percent(2, 3) == 66 and score.percent(0, 5) == 0 and score.percent(0, 0) is None
