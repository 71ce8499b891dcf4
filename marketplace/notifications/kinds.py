"""Each kind of notification: its words (rendered in the reader's language when shown or mailed, from the
parameters stored with it), its email and whether that email is on by default.

A parameter is plain JSON: text, whole numbers (minutes, fen) and times as ISO strings; the words format
them for the reader (`hours`, `money`, the site's time zone).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from marketplace.platform.i18n import datetime_medium, hours, money

DIGEST = "weekly_digest"  # a person's choice of the weekly digest is kept as a preference of this name


@dataclass(frozen=True)
class Kind:
    name: str
    label: object  # names the kind on the preferences page
    text: Callable[[dict], str]  # one sentence, in the current locale
    template: str | None = "notification"  # templates/email/<template>.txt; None: no email from here
    is_emailed_by_default: bool = True
    subject: Callable[[dict], str] | None = None  # the email's subject; by default the kind's label


def _when(value: str | None) -> str:
    try:
        return datetime_medium(datetime.fromisoformat(value)) if value else ""
    except (TypeError, ValueError):
        return ""


KINDS: dict[str, Kind] = {kind.name: kind for kind in (
    Kind("hours_approved", _l("Hours approved"), lambda p: _(
        "Your hours for “%(title)s” were approved: %(hours)s saved.", title=p["title"], hours=hours(p["minutes"]))),
    Kind("hours_rejected", _l("Hours not approved"), lambda p: _(
        "Your hours for “%(title)s” were not approved. Reason: %(reason)s", title=p["title"], reason=p["reason"])),
    Kind("signup_confirmed", _l("Sign-up confirmed"), lambda p: _(
        "You are signed up for “%(title)s”, %(when)s.", title=p["title"], when=_when(p.get("starts_at"))),
        is_emailed_by_default=False),  # the page says so at once; the reminder the day before is emailed
    Kind("waitlist_promoted", _l("A place from the waitlist"), lambda p: _(
        "A place has freed up and it is yours: “%(title)s”, %(when)s.", title=p["title"],
        when=_when(p.get("starts_at"))), template="timebank_promoted",
        subject=lambda p: _("You have a place: %(title)s", title=p["title"])),
    Kind("shift_reminder", _l("Reminders of activities"), lambda p: _(
        "Reminder: “%(title)s” starts %(when)s.", title=p["title"], when=_when(p.get("starts_at"))),
        template="timebank_reminder", subject=lambda p: _("Reminder: %(title)s", title=p["title"])),
    Kind("wish_claimed", _l("A wish you posted is claimed"), lambda p: _(
        "Someone claimed the wish “%(title)s”; they will deliver it by %(when)s.", title=p["title"],
        when=_when(p.get("deadline_at"))), is_emailed_by_default=False),  # staff work from the board
    Kind("claim_expired", _l("A claim of yours expired"), lambda p: _(
        "Your claim on the wish “%(title)s” passed its deadline; the wish is open for others again.",
        title=p["title"]), template="wishes_claim_expired",
        subject=lambda p: _("Your claim has expired: %(title)s", title=p["title"])),
    Kind("claim_cancelled", _l("A wish you claimed was withdrawn"), lambda p: _(
        "The wish “%(title)s” that you claimed was withdrawn; there is nothing more for you to do.",
        title=p["title"]), template="wishes_claim_cancelled",
        subject=lambda p: _("A wish you claimed was withdrawn: %(title)s", title=p["title"])),
    Kind("wish_delivered", _l("Help you gave was delivered"), lambda p: _(
        "The help you gave for “%(title)s” has been delivered to the household.", title=p["title"]),
        is_emailed_by_default=False),  # the household's thanks, which follow, are emailed
    Kind("wish_thanked", _l("Thank-you notes"), lambda p: _(
        "The household thanked you for “%(title)s”.", title=p["title"]), template="wishes_thanks",
        subject=lambda p: _("A thank-you for your help: %(title)s", title=p["title"])),
    Kind("receipt_ready", _l("Receipts"), lambda p: _(
        "Your receipt %(number)s for %(amount)s is ready to download.", number=p["number"],
        amount=money(p["amount_fen"])), template=None),  # the receipt email itself always goes
    Kind("need_funded", _l("A household need is fully funded"), lambda p: _(
        "“%(title)s” is fully funded (%(amount)s). Thank you!", title=p["title"], amount=money(p["amount_fen"]))),
    Kind("disbursement_approved", _l("Payments approved"), lambda p: _(
        "The payment of %(amount)s to %(payee)s was approved and paid.", amount=money(p["amount_fen"]),
        payee=p["payee"])),
    Kind("listing_update", _l("News of what you gave to"), lambda p: _(
        "There is news of “%(title)s”, which you gave to.", title=p["title"]), template="wishes_update",
        subject=lambda p: _("News of “%(title)s”", title=p["title"])),
    # referrals (转介): the loop from dispatch to feedback
    Kind("referral_sent", _l("Referrals sent to your organisation"), lambda p: _(
        "A referral (%(code)s) was sent to your organisation; please accept or decline it. Due %(when)s.",
        code=p["code"], when=_when(p.get("due")))),
    Kind("referral_declined", _l("Referrals back for dispatch"), lambda p: _(
        "Referral %(code)s is back for dispatch. Reason: %(reason)s", code=p["code"], reason=p["reason"])),
    Kind("referral_done", _l("Referrals done, waiting for feedback"), lambda p: _(
        "Referral %(code)s is reported done; please give the household's feedback.", code=p["code"])),
    Kind("referral_reopened", _l("Referrals back to their handlers"), lambda p: _(
        "Referral %(code)s is not solved yet and is back with you. Reason: %(reason)s", code=p["code"],
        reason=p["reason"])),
    Kind("referral_escalated", _l("Overdue referrals escalated to you"), lambda p: _(
        "Referral %(code)s is %(days)s day(s) overdue and was escalated to you.", code=p["code"],
        days=p["days"])),
    # donated meals (M餐): firms' stores, permits and points; people's statements of need
    Kind("meals_store_opened", _l("Stores open for donated meals"), lambda p: _(
        "Your store “%(store)s” is checked and open for donated meals.", store=p["store"])),
    Kind("meals_store_paused", _l("Stores paused"), lambda p: _(
        "Your store “%(store)s” is paused: %(reason)s", store=p["store"], reason=p["reason"])),
    Kind("meals_permit_expiring", _l("Permits about to expire"), lambda p: _(
        "The permit of “%(store)s” expires on %(day)s. Upload the new one so the store is not paused.",
        store=p["store"], day=p["day"])),
    Kind("meals_permit_rejected", _l("Permits not accepted"), lambda p: _(
        "A permit of “%(store)s” was not accepted: %(reason)s", store=p["store"], reason=p["reason"])),
    Kind("meals_thanks", _l("Thank-you notes for donated meals"), lambda p: _(
        "Someone who ate at “%(store)s” thanked you: “%(text)s”", store=p["store"], text=p["text"]),
         is_emailed_by_default=False),
    Kind("meals_exchange", _l("Points exchanges"), lambda p: _(
        "Points exchange for “%(reward)s” × %(quantity)s: %(state)s.", reward=p["reward"],
        quantity=p["quantity"], state=p["state"])),
    Kind("meals_eligibility", _l("Your statement of need for donated meals"), lambda p: _(
        "Your statement of need for donated meals: %(state)s. %(reason)s", state=p["state"],
        reason=p.get("reason", ""))),
    Kind("meals_plaque", _l("Caring-firm plaques"), lambda p: _(
        "Your caring-firm plaque for %(year)s is ready (code %(code)s).", year=p["year"], code=p["code"])),
    # member exchanges: posts taken down or put back, and the daily digest of matching requests
    Kind("exchange_post_hidden", _l("Your exchange posts taken down"), lambda p: _(
        "A coordinator took down your post “%(title)s”. Reason: %(reason)s", title=p["title"], reason=p["reason"])),
    Kind("exchange_post_shown", _l("Your exchange posts put back"), lambda p: _(
        "A coordinator put your post “%(title)s” back: %(reason)s", title=p["title"], reason=p["reason"])),
    Kind("exchange_matches", _l("Requests matching your offers (daily)"), lambda p: _(
        "%(count)s new request(s) match what you offer, for example “%(title)s”.", count=p["count"],
        title=p["title"])),
    # member exchanges: each step of an agreement, told to the other side; what waits for coordinators
    Kind("exchange_agreement", _l("Agreements with neighbours"), lambda p: _exchange_step(p)),
    Kind("exchange_coordinate", _l("Exchanges waiting for a coordinator"), lambda p: _(
        "“%(title)s” between %(giver)s and %(receiver)s waits for your approval (a new member's exchange).",
        title=p["title"], giver=p["giver"], receiver=p["receiver"]) if p["step"] == "awaiting_approval" else _(
        "“%(title)s” between %(giver)s and %(receiver)s is disputed; please read both sides and settle it.",
        title=p["title"], giver=p["giver"], receiver=p["receiver"])),
    # exchanges: members' messages (never their text) and reports to coordinators
    Kind("exchange_message", _l("Messages from other members"), lambda p: _(
        "%(name)s sent you a message about “%(title)s”.", name=p["name"], title=p["title"])),
    Kind("exchange_report", _l("Reports to coordinators"), lambda p: _(
        "A member reported another in your exchange; please answer by %(when)s.", when=_when(p.get("due")))),
    Kind("exchange_report_answered", _l("Answers to your reports"), lambda p: _(
        "The coordinators answered your report: %(answer)s", answer=p["answer"])),
)}


def _exchange_step(p: dict) -> str:
    """One step of an agreement between neighbours, in words (member exchanges)."""
    words = {
        "proposed": _l("%(name)s asks to agree on “%(title)s”, %(when)s."),
        "agreed": _l("%(name)s agreed on “%(title)s”, %(when)s."),
        "awaiting_approval": _l("“%(title)s” with %(name)s is agreed and waits for a coordinator's approval."),
        "approved": _l("A coordinator approved “%(title)s”: it takes place %(when)s."),
        "refused": _l("A coordinator did not approve “%(title)s”: %(note)s"),
        "declined": _l("%(name)s declined “%(title)s”."),
        "cancelled": _l("%(name)s called off “%(title)s”."),
        "claimed": _l("%(name)s says they served %(hours)s for “%(title)s”; please confirm."),
        "confirmed": _l("%(name)s confirmed %(hours)s for “%(title)s”; the minutes have moved."),
        "disputed": _l("%(name)s disagrees about “%(title)s”; a coordinator will decide."),
        "settled": _l("A coordinator settled “%(title)s”: %(hours)s moved. %(note)s"),
        "settled_none": _l("A coordinator settled “%(title)s” with no minutes moved. %(note)s"),
    }
    return str(words[p["step"]]) % dict(name=p.get("name", ""), title=p["title"], when=_when(p.get("when")),
                                        hours=hours(p.get("minutes") or 0), note=p.get("note", ""))


def subject_of(kind: Kind, params: dict) -> str:
    """Render the email subject of a notification in the current locale."""
    try:
        return kind.subject(params) if kind.subject is not None else str(kind.label)
    except (KeyError, TypeError, ValueError):
        return str(kind.label)


def text_of(kind: str, params: dict) -> str:
    """Render a notification's sentence in the current locale; a row of an unknown kind or shape still reads."""
    found = KINDS.get(kind)
    try:
        return found.text(params) if found is not None else _("Something happened on Goodhours.")
    except (KeyError, TypeError, ValueError):
        return str(found.label)
