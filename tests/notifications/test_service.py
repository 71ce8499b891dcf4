"""The bell's count, the list and marking read touch only one's own notifications; email choices are kept
and respected; the words follow the reader's language; the weekly digest goes once a week."""
from __future__ import annotations

from datetime import timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import event, func, select

from marketplace.notifications import digest
from marketplace.notifications import service as notifications
from marketplace.notifications.kinds import DIGEST, KINDS
from marketplace.notifications.models import Notification, NotificationDigest
from marketplace.outbox.models import OutboxMessage
from marketplace.platform.errors import InvalidInput, NotFound
from marketplace.platform.extensions import db
from marketplace.platform.timeutil import now_utc


def tell(user, n=1, kind="listing_update", **params):
    rows = [notifications.notify(user, kind, **({"title": f"心愿{i}"} | params)) for i in range(n)]
    db.session.commit()
    return rows


def outbox_count() -> int:
    return db.session.scalar(select(func.count(OutboxMessage.id)))


def test_the_count_is_one_query_of_ones_own_unread(app, create_user):
    me, other = create_user(), create_user()
    tell(me, 3)
    tell(other, 2)
    assert me.id  # loaded before counting
    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    with app.test_request_context():
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            assert notifications.unread_count(me) == 3
            assert notifications.unread_count(me) == 3  # kept for the rest of the request
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
    assert len(statements) == 1 and "count" in statements[0].lower()


def test_marking_read_touches_only_ones_own(app, create_user):
    me, other = create_user(), create_user()
    [mine] = tell(me)
    [theirs] = tell(other)
    with pytest.raises(NotFound):
        notifications.mark_read(me, theirs.id)
    with pytest.raises(NotFound):
        notifications.mark_read(me, "abc")
    db.session.expire_all()
    assert db.session.get(Notification, theirs.id).read_at is None
    notifications.mark_read(me, mine.id)
    notifications.mark_read(me, mine.id)  # again is fine
    tell(me, 2)
    assert notifications.mark_all_read(me) == 2
    with app.test_request_context():
        assert notifications.unread_count(me) == 0 and notifications.unread_count(other) == 1


def test_the_list_is_newest_first_in_pages_of_ones_own(create_user):
    me, other = create_user(), create_user()
    rows = tell(me, notifications.PAGE_SIZE + 3)
    tell(other, 5)
    first, more = notifications.page_of(me, 1)
    assert more and [r.id for r in first] == [r.id for r in reversed(rows)][:notifications.PAGE_SIZE]
    second, more = notifications.page_of(me, 2)
    assert not more and [r.id for r in second] == [r.id for r in reversed(rows[:3])]
    assert {r.user_id for r in first + second} == {me.id}


def test_words_are_rendered_in_the_readers_language_when_shown(create_user):
    [row] = tell(create_user(), kind="need_funded", title="修屋顶", amount_fen=1_234_550)
    assert "text" not in row.params and row.params == {"title": "修屋顶", "amount_fen": 1_234_550}
    with force_locale("en"):
        assert notifications.text(row) == "“修屋顶” is fully funded (¥12,345.50). Thank you!"
    with force_locale("zh_CN"):
        zh = notifications.text(row)
    assert "修屋顶" in zh and "¥12,345.50" in zh and "funded" not in zh
    row.params = {"unexpected": 1}  # a row written by an older release still reads
    with force_locale("en"):
        assert notifications.text(row) == str(KINDS["need_funded"].label)


def test_an_email_is_sent_in_the_recipients_language_unless_turned_off(create_user, mailbox):
    chinese = create_user(email="zh@example.org", locale="zh_CN")
    tell(chinese, kind="need_funded", title="修屋顶", amount_fen=100)
    [message] = mailbox.messages
    assert message.to == ["zh@example.org"] and "修屋顶" in message.body and "funded" not in message.body
    assert "/notifications/settings" in message.body
    notifications.set_email_choices(chinese, {"need_funded": False})
    before = outbox_count()
    tell(chinese, kind="need_funded", title="换门锁", amount_fen=100)
    assert len(mailbox.messages) == 1 and outbox_count() == before  # still in the list, not mailed
    assert db.session.scalar(select(func.count(Notification.id)).where(Notification.user_id == chinese.id)) == 2


def test_choices_default_sensibly_and_refuse_unknown_kinds(create_user):
    me = create_user()
    choices = notifications.email_choices(me)
    assert choices["hours_approved"] and choices["shift_reminder"] and not choices[DIGEST]
    assert "receipt_ready" not in choices  # a receipt is a document: always emailed
    with pytest.raises(InvalidInput):
        notifications.set_email_choices(me, {"no_such_kind": True})
    with pytest.raises(InvalidInput):
        notifications.set_email_choices(me, {"hours_approved": "yes"})
    kept = notifications.set_email_choices(me, {"hours_approved": False, DIGEST: True})
    assert not kept["hours_approved"] and kept[DIGEST] and kept["shift_reminder"]


def test_nothing_is_told_when_the_change_is_rolled_back(create_user, mailbox):
    me = create_user()
    notifications.notify(me, "listing_update", title="撤回")
    db.session.rollback()
    assert db.session.scalar(select(func.count(Notification.id))) == 0 and outbox_count() == 0


def test_the_weekly_digest_goes_once_a_week_to_those_who_chose_it(create_user, mailbox, runner):
    keen, quiet, nothing_new = create_user(email="keen@example.org"), create_user(), create_user()
    for person in (keen, nothing_new):
        notifications.set_email_choices(person, {DIGEST: True})
    for person in (keen, quiet):
        notifications.set_email_choices(person, {kind: False for kind in notifications.choosable()})
    tell(keen, 2)
    tell(quiet, 2)
    [old] = tell(keen, title="上个月的")
    old.created_at = now_utc() - timedelta(days=8)
    db.session.commit()
    assert "Sent 1 digest(s)." in runner.invoke(args=["notifications", "digest"]).output
    assert "Sent 0 digest(s)." in runner.invoke(args=["notifications", "digest"]).output
    [message] = mailbox.messages
    assert message.to == ["keen@example.org"] and "心愿0" in message.body and "上个月的" not in message.body
    assert db.session.scalar(select(func.count(NotificationDigest.id))) == 1
    next_week = now_utc() + timedelta(days=7)
    [new] = tell(keen, title="下周的")
    new.created_at = next_week - timedelta(hours=1)
    db.session.commit()
    assert digest.send_weekly_digests(now=next_week) == 1  # next week: again, once
    assert digest.send_weekly_digests(now=next_week) == 0 and "下周的" in mailbox.messages[-1].body
