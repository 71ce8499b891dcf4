"""The demo's agreements and conversation: every waiting state a person meets, one lesson done and paid in minutes,
and a phone number hidden in the thread until both agree to share."""
from __future__ import annotations

from sqlalchemy import func, select

from marketplace.auth.demo import DEMO_PASSWORD
from marketplace.exchanges import transfer
from marketplace.exchanges.models import Endorsement, ExchangeAgreement, Message
from marketplace.ledger.models import LedgerEntry
from marketplace.platform.extensions import db


def test_the_demo_agreements_cover_the_states_and_move_minutes_once(runner):
    assert runner.invoke(args=["seed", "demo"]).exit_code == 0
    found = db.session.scalars(select(ExchangeAgreement).order_by(ExchangeAgreement.id)).all()
    assert [a.status for a in found] == ["confirmed", "agreed", "proposed"]
    done = found[0]
    assert done.minutes == 60 and db.session.get(LedgerEntry, done.entry_id).kind == "exchange"
    assert transfer.balance_of(done.giver) >= 60
    assert db.session.scalar(select(func.count()).select_from(Endorsement)) == 2
    assert db.session.scalar(select(func.count()).select_from(Message)) == 2
    assert runner.invoke(args=["seed", "demo"]).exit_code == 0  # once
    assert db.session.scalar(select(func.count()).select_from(ExchangeAgreement)) == 3


def test_the_demo_volunteer_sees_the_hidden_number_and_the_agreements(runner, client, auth):
    runner.invoke(args=["seed", "demo"])
    assert auth.login("volunteer@demo.example.org", DEMO_PASSWORD).status_code == 302
    thread = db.session.scalar(select(Message.conversation_id).limit(1))
    page = client.get(f"/exchange/messages/{thread}").get_data(as_text=True)
    assert "138 0013 8000" not in page and "王阿姨" in page
    mine = client.get("/exchange/agreements").get_data(as_text=True)
    assert "陪我去社区医院复诊" in mine and "教长者用智能手机" in mine
