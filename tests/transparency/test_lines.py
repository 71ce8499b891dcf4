"""Keyset-paginated transaction lists: every line once, a clear message for a bad link, few queries."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import event

from marketplace.ledger.causes import Cause, CauseKind
from marketplace.platform.extensions import db
from marketplace.transparency import lines


@pytest.fixture(autouse=True)
def no_cache(app):
    app.config["TRANSPARENCY_CACHE_SECONDS"] = 0


def walk(client, path):
    """Follow the "older" links from the first page; return each page's line ids."""
    pages = []
    while path:
        response = client.get(path)
        assert response.status_code == 200
        page = response.get_data(as_text=True)
        pages.append([int(n) for n in re.findall(r'data-line="(\d+)"', page)])
        found = re.search(r'data-next href="([^"]+)"', page)
        path = found.group(1).replace("&amp;", "&") if found else None
    return pages


def test_the_fund_list_walks_every_line_exactly_once_newest_first(client, create_fund, give):
    fund = create_fund(0)
    for n in range(1, 121):
        give(fund, n * 100)
    pages = walk(client, f"/transparency/funds/{fund.public_code}")
    assert [len(p) for p in pages] == [50, 50, 20]
    every = [line for page in pages for line in page]
    assert len(set(every)) == 120 and every == sorted(every, reverse=True)
    first = client.get(f"/transparency/funds/{fund.public_code}").get_data(as_text=True)
    assert "¥120.00" in first and "¥1.00" not in first  # the newest gift first


@pytest.mark.parametrize("union_up_to", [100, 1])
def test_the_organisation_list_merges_its_funds(client, station, create_fund, give, monkeypatch, union_up_to):
    monkeypatch.setattr(lines, "UNION_UP_TO", union_up_to)  # one index range per fund, or one IN
    funds = [create_fund(0, name_en=f"Fund {i}") for i in range(3)]
    for n in range(70):
        give(funds[n % 3], 1_000 + n)
    pages = walk(client, f"/transparency/orgs/{station.org.id}")
    every = [line for page in pages for line in page]
    assert [len(p) for p in pages] == [50, 20]
    assert len(set(every)) == 70 and every == sorted(every, reverse=True)


@pytest.mark.parametrize("cursor", ["nonsense", "eyJhZnRlciI6IC0xfQ", "eyJhZnRlciI6ICIxIn0", "x" * 500])
def test_a_bad_page_link_gets_a_clear_message(client, create_fund, restricted_fund, station, cursor):
    fund = create_fund(1_000)
    for path in (f"/transparency/funds/{fund.public_code}", f"/transparency/orgs/{station.org.id}",
                 f"/transparency/wishes/{restricted_fund.listing.public_code}"):
        response = client.get(f"{path}?after={cursor}")
        assert response.status_code == 400, path
        assert "This page link is not valid" in response.get_data(as_text=True)


def test_each_page_is_described_with_a_fixed_number_of_queries(app, station, create_fund, give, restricted_fund,
                                                               give_online, upload):
    from marketplace.funds import disbursements

    small = create_fund(1_000)
    big = create_fund(0)
    for n in range(6):
        give_online(station.donor if n % 2 else station.firm_member, big, 1_000 + n,
                    display=("anonymous", "masked", "name")[n % 3])
    for n in range(14):
        give(big, 2_000 + n, listing=restricted_fund.listing if n % 2 else None)
    for _ in range(5):
        paid = disbursements.request_disbursement(station.worker, big, payee="店", purpose="米", amount_fen=100,
                                                  evidence_file=upload())
        disbursements.publish_receipt(station.worker, paid.id, upload("png"))

    def queries(fund):
        count = 0

        def seen(*args):
            nonlocal count
            count += 1

        db.session.expire_all()
        event.listen(db.engine, "before_cursor_execute", seen)
        try:
            page = lines.page_of([fund], {fund.id: account_id(fund)})
        finally:
            event.remove(db.engine, "before_cursor_execute", seen)
        assert all(line.fund is fund for line in page.lines)
        return count, len(page.lines)

    def account_id(fund):
        from marketplace.payments.postings import fund_account

        return fund_account(fund).id

    account_id(small), account_id(big)
    few, few_lines = queries(small)
    many, many_lines = queries(big)
    assert (few_lines, many_lines) == (1, 25)
    assert many <= few + 6  # the gifts, donors, firms, listings, payments: one query each, whatever the page size


def test_entry_keys_are_read_by_the_ledger_as_typed_causes():
    assert Cause.parse("donation:12") == Cause(CauseKind.DONATION, 12) and Cause.parse("donation:12").number == 12
    assert Cause.parse("refund:7:2500") == Cause(CauseKind.REFUND, 7, 2500)
    assert Cause.parse("disbursement:3") == Cause(CauseKind.DISBURSEMENT, 3)
    assert Cause.parse("payout:po_123").number is None
    assert Cause.parse("") == Cause.test("")


def test_a_correction_is_shown_as_such_without_the_staff_reason(client, station, create_fund, give, upload):
    from marketplace.ledger import service as ledger

    fund = create_fund(0)
    gift = give(fund, 3_000, listing=None)
    ledger.reverse(gift.entry_id, reason="PRIVATE-STAFF-NOTE wrong fund")
    db.session.commit()
    page = client.get(f"/transparency/funds/{fund.public_code}").get_data(as_text=True)
    assert page.count('data-kind="correction"') == 1 and page.count('data-kind="donation"') == 1
    assert "Correction" in page and "PRIVATE-STAFF-NOTE" not in page
