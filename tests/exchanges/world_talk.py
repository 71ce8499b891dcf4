"""The messages part of the access-policy and bad-input worlds (tests/test_access_policy.py,
tests/test_bad_input.py): an exchange with a member's post, a conversation about it between two members
(a message each way, read by both), and a report of it waiting for the coordinator."""
from __future__ import annotations

from marketplace.exchanges import reports, talk
from tests.exchanges.talk_helpers import join, make_post


def talk_of(create_org, *, member, other, coordinator) -> dict:
    """Return the ids the message routes name. `member` writes to `other` about `other`'s post and reports the
    conversation; `coordinator` coordinates the exchange (may be `member` too: then they are both)."""
    org = create_org("charity", {member: "member", other: "member", coordinator: "coordinator"},
                     name_zh="邻里互助", name_en="Neighbours' exchange")
    mine, theirs = join(org, member), join(org, other)
    post = make_post(theirs, title="周末教用手机")
    conversation = talk.start_or_open(member, mine, post)
    talk.send(member, mine, conversation, "你好，我想学用手机挂号")
    talk.send(other, theirs, conversation, "好的，周六下午可以")
    talk.mark_read(mine, conversation)
    talk.mark_read(theirs, conversation)
    found = reports.report(member, mine, theirs, "harassment", "一直催我", conversation=conversation)
    return {"conversation_id": conversation.id, "exchange_report_id": found.id, "post_code": post.code}
