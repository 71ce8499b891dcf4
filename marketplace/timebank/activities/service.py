"""Time-bank rules: activities and sign-ups (with a waitlist), check-in by QR token or by hand,
and the coordinator's review that turns attendance into saved minutes through the ledger."""
from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select, update

from config import settings
from marketplace.audit.service import record
from marketplace.auth.models import User
from marketplace.auth.service import find_by_email
from marketplace.orgs.models import District, Organisation
from marketplace.orgs.policy import require
from marketplace.platform import search
from marketplace.platform.errors import Conflict, InvalidInput, NotFound
from marketplace.platform.extensions import db
from marketplace.platform.ids import is_id
from marketplace.platform.timeutil import local_date, now_utc, site_zone
from marketplace.timebank.accounts import savings_account  # noqa: F401  (callers read it from here too)
from marketplace.timebank.activities import notices
from marketplace.timebank.hours import review
from marketplace.timebank.models import Activity, Attendance, Category, ReviewStatus, Signup, SignupStatus

SCAN_DIRECTIONS = ("in", "out")


# --- activities ------------------------------------------------------------------------------

def create_activity(actor: User, org: Organisation, **fields) -> Activity:
    """Publish an activity of the organisation (coordinators and above)."""
    activity = add_activity(actor, org, **fields)
    db.session.commit()
    return activity


def add_activity(actor: User, org: Organisation, *, title: str, description: str, category: str,
                 district_id: int, address: str, starts_at: datetime, ends_at: datetime, capacity: int,
                 skills: str = "", signup_cutoff_at: datetime | None = None) -> Activity:
    """Check and add an activity in the caller's transaction (flushed, not committed).

    Sign-up closes at `signup_cutoff_at`, by default the setting's hours before the start.
    """
    require(actor, "org.run_activities", org)
    fields: dict[str, list] = {}
    if not title.strip() or len(title) > 120:
        fields["title"] = [_l("Enter a title of 1 to %(n)d characters.", n=120)]
    if len(description) > 5000:
        fields["description"] = [_l("Use at most %(n)d characters.", n=5000)]
    if category not in Category.__members__.values():
        fields["category"] = [_l("Choose a category from the list.")]
    if not is_id(district_id) or db.session.get(District, district_id) is None:
        fields["district_id"] = [_l("Choose a district from the list.")]
    if len(address) > 200 or len(skills) > 200:
        fields["address" if len(address) > 200 else "skills"] = [_l("Use at most %(n)d characters.", n=200)]
    if ends_at <= starts_at:
        fields["ends_at"] = [_l("The end must come after the start.")]
    elif ends_at - starts_at > timedelta(days=7):
        fields["ends_at"] = [_l("An activity lasts at most seven days; split longer ones.")]
    if starts_at < now_utc() - timedelta(days=1):
        fields["starts_at"] = [_l("The start cannot be in the past.")]
    if type(capacity) is not int or not 1 <= capacity <= 10000:
        fields["capacity"] = [_l("Choose between 1 and %(n)d places.", n=10000)]
    if signup_cutoff_at is None:
        signup_cutoff_at = default_signup_cutoff(starts_at)
    elif signup_cutoff_at > starts_at:
        fields["signup_cutoff_at"] = [_l("Sign-up must close before the activity starts, or when it starts.")]
    elif signup_cutoff_at <= now_utc():
        fields["signup_cutoff_at"] = [_l("Choose a time for sign-up to close that has not passed.")]
    if fields:
        raise InvalidInput(fields=fields)
    activity = Activity(
        organisation_id=org.id, title=title.strip(), description=description.strip(), category=category,
        district_id=district_id, address=address.strip(), starts_at=starts_at, ends_at=ends_at,
        signup_cutoff_at=signup_cutoff_at, capacity=capacity,
        skills=skills.strip(), created_by_id=actor.id)
    db.session.add(activity)
    db.session.flush()
    record("activity.created", actor=actor, subject=activity)
    return activity


def default_signup_cutoff(starts_at: datetime) -> datetime:
    """When sign-up closes unless the organiser chooses: the setting's hours before the start."""
    return starts_at - timedelta(hours=settings.TIMEBANK_SIGNUP_CUTOFF_HOURS)


def signup_is_open(activity: Activity, now: datetime | None = None) -> bool:
    """The one sign-up rule: places can be taken (or given up) until the activity's sign-up deadline."""
    return (now or now_utc()) < activity.signup_cutoff_at


def get_activity(activity_id) -> Activity:
    activity = db.session.get(Activity, activity_id) if is_id(activity_id) else None
    if activity is None:
        raise NotFound()
    return activity


def browse(*, district_id: int | None = None, category: str | None = None, on_or_after: datetime | None = None,
           before: datetime | None = None, text: str = "", include_past: bool = False):
    """Return a query of activities for volunteers to browse, soonest first.

    `text` finds activities holding all its words in any order, or their near-synonyms (platform/search.py).
    """
    stmt = select(Activity).where(Activity.is_cancelled.is_(False)).order_by(Activity.starts_at, Activity.id)
    if district_id:
        stmt = stmt.where(Activity.district_id == district_id)
    if category:
        stmt = stmt.where(Activity.category == category)
    if on_or_after:
        stmt = stmt.where(Activity.starts_at >= on_or_after)
    elif not include_past:
        stmt = stmt.where(Activity.ends_at >= now_utc())
    if before:
        stmt = stmt.where(Activity.starts_at < before)
    words = search.matching(text, Activity.title, Activity.description)
    return stmt if words is None else stmt.where(words)


# --- sign-ups ----------------------------------------------------------------------------------

def _locked_activity(activity_id: int) -> Activity:
    """Lock the activity row so that sign-ups and cancellations count places one at a time."""
    activity = db.session.scalar(select(Activity).where(Activity.id == activity_id).with_for_update()
                                 .execution_options(populate_existing=True))
    if activity is None:
        raise NotFound()
    return activity


def sign_up(activity_id: int, user: User) -> Signup:
    """Take a place, or a place on the waitlist when the activity is full."""
    activity = _locked_activity(get_activity(activity_id).id)
    if activity.is_cancelled:
        raise Conflict(_l("This activity has been cancelled."))
    if not signup_is_open(activity):
        raise Conflict(_l("Sign-up for this activity closed on %(when)s.", when=_local(activity.signup_cutoff_at)))
    signup = db.session.scalar(select(Signup).where(Signup.activity_id == activity.id, Signup.user_id == user.id))
    if signup is not None and signup.status != SignupStatus.CANCELLED:
        db.session.rollback()
        return signup
    status = SignupStatus.CONFIRMED if activity.confirmed_count < activity.capacity else SignupStatus.WAITLISTED
    if signup is None:
        signup = Signup.machine.start(Signup(activity_id=activity.id, user_id=user.id), status, user, "signed up")
    else:
        Signup.machine.move(signup, status, user, "signed up again", updated_at=now_utc())
    if status == SignupStatus.CONFIRMED:
        activity.confirmed_count += 1
    db.session.flush()
    record("activity.signed_up", actor=user, subject=activity, status=status.value)
    if status == SignupStatus.CONFIRMED:
        notices.confirmed(signup)
    db.session.commit()
    return signup


def cancel_signup(activity_id: int, user: User) -> Signup | None:
    """Give up a place before the cut-off; the first on the waitlist takes it. Return who was promoted."""
    activity = _locked_activity(get_activity(activity_id).id)
    signup = db.session.scalar(select(Signup).where(Signup.activity_id == activity.id, Signup.user_id == user.id))
    if signup is None or signup.status == SignupStatus.CANCELLED:
        raise Conflict(_l("You are not signed up for this activity."))
    if not signup_is_open(activity):
        raise Conflict(_l("Sign-up closed on %(when)s, so it is too late to cancel here; please tell the "
                          "coordinator.", when=_local(activity.signup_cutoff_at)))
    was_confirmed = signup.status == SignupStatus.CONFIRMED
    Signup.machine.move(signup, SignupStatus.CANCELLED, user, "cancelled by the volunteer", updated_at=now_utc())
    promoted = None
    if was_confirmed:
        activity.confirmed_count -= 1
        promoted = db.session.scalar(
            select(Signup).where(Signup.activity_id == activity.id, Signup.status == SignupStatus.WAITLISTED)
            .order_by(Signup.created_at, Signup.id).limit(1))
        if promoted is not None:
            Signup.machine.move(promoted, SignupStatus.CONFIRMED, user, "a place came free", updated_at=now_utc())
            activity.confirmed_count += 1
    db.session.flush()
    record("activity.cancelled_signup", actor=user, subject=activity,
           promoted_user_id=promoted.user_id if promoted else None)
    if promoted is not None:
        notices.promoted_from_waitlist(promoted)
    db.session.commit()
    return promoted


def signups(activity: Activity, status: SignupStatus | None = None) -> list[Signup]:
    stmt = select(Signup).where(Signup.activity_id == activity.id).order_by(Signup.created_at, Signup.id)
    if status:
        stmt = stmt.where(Signup.status == status)
    return list(db.session.scalars(stmt))


def signups_of(user: User, *, upcoming: bool = True) -> list[Signup]:
    """Return the user's places and waitlist places (not cancelled), soonest activity first.

    `upcoming` keeps activities not yet over and not cancelled; otherwise the rest, latest first.
    """
    stmt = (select(Signup).join(Activity, Activity.id == Signup.activity_id)
            .where(Signup.user_id == user.id, Signup.status != SignupStatus.CANCELLED.value))
    if upcoming:
        stmt = stmt.where(Activity.ends_at >= now_utc(), Activity.is_cancelled.is_(False))
        stmt = stmt.order_by(Activity.starts_at, Activity.id)
    else:
        stmt = stmt.where((Activity.ends_at < now_utc()) | Activity.is_cancelled.is_(True))
        stmt = stmt.order_by(Activity.starts_at.desc(), Activity.id.desc())
    return list(db.session.scalars(stmt))


def send_reminders(now: datetime | None = None) -> int:
    """Remind confirmed volunteers of activities starting within a day; each is reminded once.

    A signup is marked reminded in the same transaction as its reminder's outbox row.
    """
    now = now or now_utc()
    due = db.session.scalars(
        select(Signup).join(Activity, Activity.id == Signup.activity_id)
        .where(Signup.status == SignupStatus.CONFIRMED, Signup.reminded_at.is_(None),
               Activity.is_cancelled.is_(False), Activity.starts_at > now,
               Activity.starts_at <= now + timedelta(days=1))).all()
    for signup in due:
        claimed = db.session.execute(update(Signup).where(Signup.id == signup.id, Signup.reminded_at.is_(None))
                                     .values(reminded_at=now))
        if claimed.rowcount:  # another worker did not take it first
            notices.reminder(signup)
        db.session.commit()
    return len(due)


# --- check-in and check-out --------------------------------------------------------------------

def _scan_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(settings.SECRET_KEY, salt="timebank-scan")


def scan_token(activity: Activity, direction: str, now: datetime | None = None) -> str:
    """Return the current check-in or check-out token; it changes every few minutes."""
    window = int((now or now_utc()).timestamp()) // settings.TIMEBANK_SCAN_ROTATE_SECONDS
    return _scan_serializer().dumps([activity.id, direction, window])


def scan(token: str, user: User, now: datetime | None = None) -> Attendance:
    """Record a check-in or check-out from a scanned QR code, while the attendance awaits review.

    :raise Conflict: the attendance is already reviewed (or was decided while this scan waited for it).
    """
    now = now or now_utc()
    try:
        activity_id, direction, _window = _scan_serializer().loads(
            token, max_age=2 * settings.TIMEBANK_SCAN_ROTATE_SECONDS)
    except SignatureExpired:
        raise Conflict(_l("This QR code has expired. Scan the code on the coordinator's screen again.")) from None
    except (BadSignature, ValueError, TypeError):
        raise InvalidInput(_l("This QR code is not valid.")) from None
    if direction not in SCAN_DIRECTIONS:
        raise InvalidInput(_l("This QR code is not valid."))
    activity = get_activity(activity_id)
    signup = db.session.scalar(select(Signup).where(Signup.activity_id == activity.id, Signup.user_id == user.id,
                                                    Signup.status == SignupStatus.CONFIRMED))
    if signup is None:
        raise Conflict(_l("You are not signed up for this activity."))
    opens = activity.starts_at - timedelta(minutes=settings.TIMEBANK_CHECKIN_EARLY_MINUTES)
    closes = activity.ends_at + timedelta(minutes=settings.TIMEBANK_CHECKOUT_LATE_MINUTES)
    if not opens <= now <= closes:
        raise Conflict(_l("Check-in is open from %(opens)s to %(closes)s.", opens=_local(opens),
                          closes=_local(closes)))
    attendance = _attendance_for(activity, user, user, "scanned in")
    if attendance.id is not None:  # a review deciding it at this moment goes first; then it is no longer pending
        attendance = review.lock(review.ATTENDANCE, attendance.id)
    if attendance.status != ReviewStatus.PENDING:
        raise Conflict(_l("Your hours at this activity have already been reviewed, so check-in and check-out can "
                          "no longer change. Ask the coordinator if they are wrong."))
    if direction == "in":
        if attendance.checked_in_at is None:
            _refuse_overlap(user, activity)
            attendance.checked_in_at = now
    else:
        if attendance.checked_in_at is None:
            raise Conflict(_l("Please check in first."))
        attendance.checked_out_at = now
    db.session.flush()
    record(f"attendance.check_{direction}", actor=user, subject=attendance)
    db.session.commit()
    return attendance


def record_by_hand(actor: User, activity_id: int, volunteer_email: str, checked_in_at: datetime,
                   checked_out_at: datetime, reason: str) -> Attendance:
    """Record attendance for a volunteer without a phone; the reason goes to the audit log."""
    activity = get_activity(activity_id)
    require(actor, "org.run_activities", activity.organisation)
    fields: dict[str, list] = {}
    volunteer = find_by_email(volunteer_email or "")
    if volunteer is None:
        fields["email"] = [_l("No Goodhours account uses this email address.")]
    if not reason.strip() or len(reason) > 300:
        fields["reason"] = [_l("Say why attendance is entered by hand (up to 300 characters).")]
    if checked_out_at <= checked_in_at:
        fields["checked_out_at"] = [_l("The end must come after the start.")]
    if fields:
        raise InvalidInput(fields=fields)
    attendance = _attendance_for(activity, volunteer, actor, "entered by hand")
    if attendance.id is not None:  # a review deciding it at this moment goes first, or waits for this entry
        attendance = review.lock(review.ATTENDANCE, attendance.id)
    if attendance.status != ReviewStatus.PENDING:
        raise Conflict(review.decided(attendance))
    _refuse_overlap(volunteer, activity)
    attendance.checked_in_at, attendance.checked_out_at = checked_in_at, checked_out_at
    attendance.recorded_by_id, attendance.manual_reason = actor.id, reason.strip()
    db.session.flush()
    record("attendance.recorded_by_hand", actor=actor, subject=attendance, volunteer_id=volunteer.id,
           reason=reason.strip())
    db.session.commit()
    return attendance


def _attendance_for(activity: Activity, user: User, by: User, why: str) -> Attendance:
    attendance = db.session.scalar(select(Attendance).where(Attendance.activity_id == activity.id,
                                                            Attendance.user_id == user.id))
    if attendance is None:
        attendance = Attendance.machine.start(Attendance(activity_id=activity.id, user_id=user.id),
                                              ReviewStatus.PENDING, by, why)
    return attendance


def _refuse_overlap(user: User, activity: Activity) -> None:
    """A volunteer cannot be at two activities at once."""
    clash = db.session.scalar(
        select(Activity.title).join(Attendance, Attendance.activity_id == Activity.id)
        .where(Attendance.user_id == user.id, Attendance.activity_id != activity.id,
               Attendance.checked_in_at.is_not(None),
               Attendance.status.in_([ReviewStatus.PENDING, ReviewStatus.APPROVED]),
               Activity.starts_at < activity.ends_at, Activity.ends_at > activity.starts_at).limit(1))
    if clash is not None:
        raise Conflict(_l("You are already recorded at “%(title)s” at the same time.", title=clash))


def _local(moment: datetime) -> str:
    return moment.astimezone(site_zone()).strftime("%Y-%m-%d %H:%M")


# --- review ------------------------------------------------------------------------------------

def minutes_earned(attendance: Attendance) -> int:
    """Minutes between check-in and check-out, within the activity's own time."""
    activity = attendance.activity
    if attendance.checked_in_at is None or attendance.checked_out_at is None:
        return 0
    start = max(attendance.checked_in_at, activity.starts_at)
    end = min(attendance.checked_out_at, activity.ends_at)
    return max(0, int((end - start).total_seconds()) // 60)


def approve_attendance(attendance_id: int, actor: User, minutes: int | None = None, note: str = "") -> Attendance:
    """Approve (or adjust, with a note) an attendance and save its minutes; approving twice posts once."""
    attendance = review.take(review.ATTENDANCE, attendance_id, actor)
    if review.is_repeat(attendance, ReviewStatus.APPROVED,
                        same=minutes is None or minutes == attendance.minutes_granted):
        return attendance
    earned = minutes_earned(attendance)
    activity = attendance.activity
    length = int((activity.ends_at - activity.starts_at).total_seconds()) // 60
    if minutes is None:
        minutes = earned
    elif type(minutes) is not int or minutes < 0:
        raise InvalidInput(fields={"minutes": [_l("Enter whole minutes, 0 or more.")]})
    elif minutes != earned and not note.strip():
        raise InvalidInput(fields={"note": [_l("Say why the minutes differ from check-in and check-out.")]})
    if minutes > length:
        raise InvalidInput(fields={"minutes": [_l("At most the activity's length (%(n)d minutes).", n=length)]})
    return review.approve(review.ATTENDANCE, attendance, actor, minutes, note, memo=activity.title,
                          effective_date=local_date(activity.starts_at), earned=earned)


def reject_attendance(attendance_id: int, actor: User, note: str) -> Attendance:
    """Reject an attendance, with the reason the volunteer will see."""
    return review.reject(review.ATTENDANCE, attendance_id, actor, note)


def reverse_attendance(attendance_id: int, actor: User, reason: str) -> Attendance:
    """Take back approved minutes with a reversing entry (corrections are never edits)."""
    return review.reverse(review.ATTENDANCE, attendance_id, actor, reason)
