"""Endorsements after a done exchange: once per side, only when done, at most 300 characters; and the words of
each step as the other side reads them, in English and Chinese."""
# ruff: noqa: F811  (pytest fixtures imported from agreement_helpers are named as arguments)
from __future__ import annotations

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from marketplace.exchanges import agreements, endorsements
from marketplace.exchanges.models import MemberBlock
from marketplace.notifications import service as notifications
from marketplace.notifications.models import Notification
from marketplace.platform.errors import Conflict, InvalidInput
from marketplace.platform.extensions import db
from tests.exchanges.agreement_helpers import exchange, soon, time_passes  # noqa: F401


def test_each_side_endorses_the_other_once_after_the_exchange(app, exchange):
    x = exchange
    agreement = agreements.propose(x.ben, x.m.ben, x.offer, soon(), 60)
    agreements.accept(x.ann, x.m.ann, agreement.code)
    with pytest.raises(Conflict):  # not before it is done
        endorsements.endorse(x.ben, x.m.ben, agreement.code, "Lovely")
    time_passes(agreement)
    agreements.confirm(x.ben, x.m.ben, agreement.code, 60)
    with pytest.raises(InvalidInput) as too_long:
        endorsements.endorse(x.ben, x.m.ben, agreement.code, "x" * 301)
    assert "text" in too_long.value.fields
    endorsements.endorse(x.ben, x.m.ben, agreement.code, "  Patient and kind  ")
    with pytest.raises(Conflict):
        endorsements.endorse(x.ben, x.m.ben, agreement.code, "Again")
    endorsements.endorse(x.coordinator, x.m.ann, agreement.code, "Ben made tea")  # a coordinator writes for Ann
    assert [e.text for e in endorsements.endorsements_of(x.m.ann)] == ["Patient and kind"]
    assert [e.text for e in endorsements.endorsements_of(x.m.ben)] == ["Ben made tea"]


def test_a_block_after_the_proposal_stops_the_acceptance(app, exchange):
    x = exchange
    agreement = agreements.propose(x.ben, x.m.ben, x.offer, soon(), 60)
    db.session.add(MemberBlock(blocker_id=x.m.ben.id, blocked_id=x.m.ann.id))
    db.session.commit()
    with pytest.raises(Conflict):
        agreements.accept(x.ann, x.m.ann, agreement.code)


def test_the_other_side_reads_each_step_in_their_language(app, exchange):
    x = exchange
    agreement = agreements.propose(x.ben, x.m.ben, x.offer, soon(), 90, "")
    agreements.accept(x.ann, x.m.ann, agreement.code)
    time_passes(agreement)
    agreements.claim(x.ann, x.m.ann, agreement.code, 90)
    told = db.session.scalars(select(Notification).where(Notification.user_id == x.ben.id)
                              .order_by(Notification.id)).all()
    assert notifications.text(told[-1]) == "Ann says they served 1 h 30 min for “Chats and tea”; please confirm."
    with force_locale("zh_CN"):
        assert notifications.text(told[-1]) == "Ann 说“Chats and tea”服务了 1 小时 30 分钟，请确认。"
    assert notifications.text(told[0]).startswith("Ann agreed on “Chats and tea”")


def test_coordinators_are_told_what_waits_for_them(app, exchange):
    x = exchange
    agreement = agreements.propose(x.ben, x.m.ben, x.offer, soon(), 60, "")
    agreements.accept(x.ann, x.m.ann, agreement.code)
    time_passes(agreement)
    agreements.dispute(x.ben, x.m.ben, agreement.code, "She did not come")
    told = db.session.scalar(select(Notification).where(Notification.user_id == x.coordinator.id))
    assert notifications.text(told) == ("“Chats and tea” between Ann and Ben is disputed; please read both sides "
                                        "and settle it.")
