"""Declared states and the one writer of `status`.

A stateful model declares its states and allowed moves once, as a `Machine` on the model
(`Donation.machine`). Every change of `status` in marketplace/ goes through the machine's helpers, which
refuse a move the table does not allow and record each move (who, when, why, from, to):

- `start(obj, state, by, why)` gives a new record its first state;
- `move(obj, to, by, why)` moves a loaded (usually row-locked) record;
- `move_if(id, expected, to, …)` moves a record only if it is still `expected`, in one guarded
  `UPDATE … WHERE status = …`, so of racing callers exactly one wins;
- `move_all(where, expected, to, …)` moves every matching record in one guarded UPDATE.

Locking stays with the callers: the helpers change and record, they never lock or commit.
`tests/architecture/test_status_writes.py` fails when anything else writes `status`.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from sqlalchemy import event, insert, update
from sqlalchemy.orm import Session

from marketplace.platform.errors import Conflict
from marketplace.platform.extensions import db
from marketplace.platform.state_change import StateChange
from marketplace.platform.timeutil import now_utc

MACHINES: dict[str, Machine] = {}  # every declared machine by name, for docs/states.md


class IllegalMove(Conflict):
    """The machine's table does not allow this move; nothing was written (HTTP 409, like any conflict)."""


def _actor_id(by) -> int | None:
    return by if by is None or isinstance(by, int) else by.id


def _record(machine: Machine, subject_id: int, old: str, new: str, actor_id: int | None, why: str, at):
    change = StateChange(machine=machine.name, subject_id=subject_id, from_state=old, to_state=new,
                         actor_id=actor_id, reason=(why or "")[:300], created_at=at)
    db.session.add(change)
    return change


def _record_all(machine: Machine, subject_ids: Iterable[int], old: str, new: str, actor_id, why: str, at) -> None:
    rows = [dict(machine=machine.name, subject_id=i, from_state=old, to_state=new, actor_id=actor_id,
                 reason=(why or "")[:300], created_at=at) for i in subject_ids]
    if rows:
        db.session.execute(insert(StateChange), rows)


_STARTS = "states.starts"  # session.info key: starts waiting for their record's id


@event.listens_for(Session, "after_flush")
def _record_starts(session, _context) -> None:
    """Record the starts whose records this flush inserted, in the same transaction."""
    waiting = session.info.get(_STARTS)
    if not waiting:
        return
    done = [w for w in waiting if w[1].id is not None]
    session.info[_STARTS] = [w for w in waiting if w[1].id is None]
    if done:
        session.connection().execute(insert(StateChange.__table__), [
            dict(machine=m.name, subject_id=obj.id, from_state="", to_state=state, actor_id=actor_id,
                 reason=(why or "")[:300], created_at=at) for m, obj, state, actor_id, why, at in done])


@event.listens_for(Session, "after_soft_rollback")
def _forget_starts(session, _previous) -> None:
    session.info.pop(_STARTS, None)


class Machine:
    """The states of one model and the moves between them: `{from: {to: who may}}`.

    `start` names the states a record may begin in. `stamp` names a column set to the time of every move.
    `record` replaces the default `state_change` row (listings keep their own `listing_event` history).
    `labels` give states in the reader's language for refusals; `refused` is the refusal's wording.
    A model without a status column (a household's verification, a closed ledger period) declares
    `column=None` and `state_of(obj)`, reading its state from the columns it has; its moves set those
    columns (`values`) and are recorded the same way.
    """

    def __init__(self, name: str, about: str, start: Mapping[str, str], moves: Mapping[str, Mapping[str, str]], *,
                 labels: Mapping[str, Any] | None = None, refused=None, stamp: str | None = None,
                 record: Callable[..., Any] | None = None, column: str | None = "status",
                 state_of: Callable[[Any], str] | None = None):
        self.name, self.about, self.column = name, about, column
        self.state_of = state_of or (lambda obj: str(getattr(obj, column)))
        self.starts = {str(k): v for k, v in start.items()}
        self.moves = {str(old): {str(new): who for new, who in to.items()} for old, to in moves.items()}
        self.labels, self.refused, self.stamp = labels or {}, refused, stamp
        self._record = record or _record
        self.model: type | None = None
        unknown = {new for to in self.moves.values() for new in to} - set(self.moves)
        assert not unknown and set(self.starts) <= set(self.moves), f"{name}: undeclared states {unknown}"
        MACHINES[name] = self

    def __set_name__(self, owner, name) -> None:
        self.model = owner

    @property
    def states(self) -> list[str]:
        return list(self.moves)

    def can(self, old, new) -> bool:
        """Tell whether the table allows moving from `old` to `new`."""
        return str(new) in self.moves.get(str(old), ())

    def label(self, state) -> str:
        return str(self.labels.get(str(state), str(state)))

    def check(self, old, new) -> None:
        """:raise IllegalMove: the table does not allow moving from `old` to `new`."""
        if not self.can(old, new):
            template = self.refused or _l("This cannot go from “%(old)s” to “%(new)s”.")
            # translated when shown, in the reader's language
            raise IllegalMove(LazyString(lambda: str(template) % dict(old=self.label(old), new=self.label(new))))

    def start(self, obj, state=None, by=None, why: str = ""):
        """Give a new record its first state and add it to the session (not flushed, not committed).

        The start is recorded now if the record has its id, else with the flush that gives it one.
        """
        state = str(state if state is not None else next(iter(self.starts)))
        if state not in self.starts:
            raise IllegalMove(_l("A record cannot begin as “%(new)s”.", new=self.label(state)))
        now = now_utc()
        if self.column:
            setattr(obj, self.column, state)
        if self.stamp:
            setattr(obj, self.stamp, now)
        db.session.add(obj)
        if obj.id is None and self._record is _record:
            db.session.info.setdefault(_STARTS, []).append((self, obj, state, _actor_id(by), why, now))
        else:
            if obj.id is None:
                db.session.flush()
            self._record(self, obj.id, "", state, _actor_id(by), why, now)
        return obj

    def move(self, obj, to, by=None, why: str = "", **values):
        """Move a loaded record to `to`, setting `values` with it, and record the move; return the record.

        Nothing is flushed here, so the row is written when (and in the lock order) it would be anyway.

        :raise IllegalMove: the table does not allow the move; nothing is written.
        """
        old, to = self.state_of(obj), str(to)
        self.check(old, to)
        now = now_utc()
        if self.column:
            setattr(obj, self.column, to)
        if self.stamp:
            setattr(obj, self.stamp, now)
        for key, value in values.items():
            setattr(obj, key, value)
        return self._record(self, obj.id, old, to, _actor_id(by), why, now)

    def move_if(self, subject_id: int, expected, to, by=None, why: str = "", conditions=(), sync="auto",
                **values) -> bool:
        """Move a record only if it is still in `expected` (a state or a tuple of them), in one guarded UPDATE
        per expected state; tell whether it moved. Of racing callers exactly one wins.

        `sync` is SQLAlchemy's `synchronize_session` for objects of the model already loaded.
        """
        model = self.model
        for old in (expected if isinstance(expected, tuple) else (expected,)):
            old, new = str(old), str(to)
            if not self.can(old, new):
                raise ValueError(f"{self.name}: {old} -> {new} is not in the table of moves")
            now = now_utc()
            stamp = {self.stamp: now} if self.stamp else {}
            column = getattr(model, self.column)
            moved = db.session.execute(
                update(model).where(model.id == subject_id, column == old, *conditions)
                .values({self.column: new, **stamp, **values})
                .execution_options(synchronize_session=sync)).rowcount == 1
            if moved:
                self._record(self, subject_id, old, new, _actor_id(by), why, now)
                db.session.flush()
                return True
        return False

    def move_all(self, where, expected, to, by=None, why: str = "", **values) -> list[int]:
        """Move every record matching `where` that is still `expected`, in one guarded UPDATE; return their ids."""
        old, new = str(expected), str(to)
        if not self.can(old, new):
            raise ValueError(f"{self.name}: {old} -> {new} is not in the table of moves")
        model, now = self.model, now_utc()
        stamp = {self.stamp: now} if self.stamp else {}
        column = getattr(model, self.column)
        ids = list(db.session.scalars(
            update(model).where(*where, column == old).values({self.column: new, **stamp, **values})
            .returning(model.id)))
        _record_all(self, ids, old, new, _actor_id(by), why, now)
        return ids
