"""Ingredients partner organisations offer for firms' meal points, and the exchanges: a firm's staff spend
points (the reward's stock taken by a guarded UPDATE, the points by a no-overdraft posting), the partner hands the
ingredients over, and either side may cancel a request not yet delivered (stock and points given back)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from marketplace.auth.models import User
from marketplace.ledger import queries as ledger_queries
from marketplace.ledger import service as ledger
from marketplace.ledger.causes import Cause, CauseKind
from marketplace.ledger.errors import InsufficientBalance
from marketplace.meals.access import may_run
from marketplace.meals.models import ExchangeStatus, MealExchange, MealReward, MealStore, MealThanks
from marketplace.meals.points import EXCHANGE_KIND, firm_account, points_of
from marketplace.notifications.service import notify
from marketplace.orgs.models import Organisation
from marketplace.platform.errors import Conflict, InvalidInput, NotFound
from marketplace.platform.extensions import db
from marketplace.platform.ids import as_id
from marketplace.platform.transactions import retried
from marketplace.referrals.dispatch import staff_of

X = ExchangeStatus
MAX_POINTS = 1_000_000
MAX_STOCK = 1_000_000
MAX_QUANTITY = 1_000


class NotEnoughPoints(Conflict):
    code = "not_enough_points"
    default_message = _l("Not enough points for this exchange.")


def get_org(actor: User | None, org_id) -> Organisation:
    """Return an organisation the actor is staff of; NotFound otherwise (and for a missing one)."""
    org = db.session.get(Organisation, as_id(org_id)) if as_id(org_id) else None
    if org is None or not may_run(actor, org):
        raise NotFound()
    return org


def offer_reward(actor: User, org_id, name: str, description: str, points, stock) -> MealReward:
    """List an ingredient the organisation gives firms for points, with how many it has."""
    org = get_org(actor, org_id)
    name, description = " ".join(str(name or "").split()), " ".join(str(description or "").split())
    fields: dict[str, list] = {}
    if not name or len(name) > 120:
        fields["name"] = [_l("Give a name of at most 120 characters.")]
    if len(description) > 300:
        fields["description"] = [_l("Write at most 300 characters.")]
    if not _whole(points, 1, MAX_POINTS):
        fields["points"] = [_l("Give the points as a whole number from 1 to %(n)d.", n=MAX_POINTS)]
    if not _whole(stock, 0, MAX_STOCK):
        fields["stock"] = [_l("Give how many you have as a whole number from 0 to %(n)d.", n=MAX_STOCK)]
    if fields:
        raise InvalidInput(fields=fields)
    reward = MealReward(organisation_id=org.id, name=name, description=description, points=int(points),
                        stock=int(stock))
    db.session.add(reward)
    db.session.commit()
    return reward


def rewards(org_id: int | None = None) -> list[MealReward]:
    """Return the rewards on offer (of one organisation, when given), in stock first, cheapest first."""
    stmt = select(MealReward).where(MealReward.is_active.is_(True))
    if org_id is not None:
        stmt = stmt.where(MealReward.organisation_id == org_id)
    return list(db.session.scalars(stmt.order_by((MealReward.stock == 0), MealReward.points, MealReward.id)))


@retried
def exchange(actor: User, firm_id, reward_id, quantity) -> MealExchange:
    """Spend the firm's points on a reward: take the stock, post the points, ask the partner to deliver.

    :raise NotEnoughPoints: the firm has fewer points than the exchange costs (nothing is written).
    :raise Conflict: fewer left in stock than asked for.
    """
    firm = get_org(actor, firm_id)
    reward = db.session.get(MealReward, as_id(reward_id)) if as_id(reward_id) else None
    if reward is None or not reward.is_active:
        raise InvalidInput(fields={"reward_id": [_l("Choose a reward from the list.")]})
    if not _whole(quantity, 1, MAX_QUANTITY):
        raise InvalidInput(fields={"quantity": [_l("Give a whole number from 1 to %(n)d.", n=MAX_QUANTITY)]})
    quantity = int(quantity)
    cost = reward.points * quantity
    available = points_of(firm).available
    if available < cost:
        raise _not_enough(available, cost)
    taken = db.session.execute(update(MealReward).where(
        MealReward.id == reward.id, MealReward.is_active.is_(True), MealReward.stock >= quantity)
        .values(stock=MealReward.stock - quantity).execution_options(synchronize_session="fetch")).rowcount == 1
    if not taken:
        db.session.rollback()
        raise Conflict(_l("Not enough left: the partner has fewer than you asked for."))
    row = MealExchange(reward_id=reward.id, organisation_id=firm.id, quantity=quantity, points=cost,
                       created_by_id=actor.id)
    MealExchange.machine.start(row, X.REQUESTED, by=actor, why="points spent")
    db.session.flush()
    try:
        ledger.post([(firm_account(firm.id, "meal_points"), -cost),
                     (ledger.platform_account("points_exchanged"), cost)],
                    cause=Cause(CauseKind.POINTS_EXCHANGE, row.id), kind=EXCHANGE_KIND, actor=actor)
    except InsufficientBalance as error:  # spent at the same moment by another request
        db.session.rollback()
        raise _not_enough(error.available or 0, cost) from None
    _tell(reward.organisation_id, row, "partner")
    db.session.commit()
    return row


def deliver(actor: User, exchange_id) -> MealExchange:
    """Mark an exchange handed over (the partner's staff)."""
    row = get_exchange(actor, exchange_id, partner_only=True)
    if not MealExchange.machine.move_if(row.id, X.REQUESTED, X.DELIVERED, by=actor, why="delivered"):
        raise Conflict(_l("This exchange was already delivered or cancelled."))
    _tell(row.organisation_id, row, "firm")
    db.session.commit()
    return row


@retried
def cancel(actor: User, exchange_id) -> MealExchange:
    """Cancel an exchange not yet delivered (the firm or the partner): the stock and the points go back."""
    row = get_exchange(actor, exchange_id)
    if not MealExchange.machine.move_if(row.id, X.REQUESTED, X.CANCELLED, by=actor, why="cancelled"):
        raise Conflict(_l("This exchange was already delivered or cancelled."))
    db.session.execute(update(MealReward).where(MealReward.id == row.reward_id)
                       .values(stock=MealReward.stock + row.quantity).execution_options(synchronize_session=False))
    entry = ledger_queries.entry_for(Cause(CauseKind.POINTS_EXCHANGE, row.id))
    if entry is not None:
        ledger.reverse(entry, reason="points exchange cancelled", actor=actor)
    _tell(row.organisation_id, row, "firm")
    _tell(row.reward.organisation_id, row, "partner")
    db.session.commit()
    return row


def exchanges_of_firm(firm: Organisation) -> list[MealExchange]:
    return list(db.session.scalars(select(MealExchange).where(MealExchange.organisation_id == firm.id)
                                   .order_by(MealExchange.id.desc()).limit(100)))


def exchanges_for_partner(org: Organisation) -> list[MealExchange]:
    """Return the exchanges of the organisation's rewards, those waiting for delivery first."""
    return list(db.session.scalars(
        select(MealExchange).join(MealReward, MealReward.id == MealExchange.reward_id)
        .where(MealReward.organisation_id == org.id)
        .order_by((MealExchange.status != X.REQUESTED.value), MealExchange.id.desc()).limit(100)))


def thanks_of(firm: Organisation) -> list[MealThanks]:
    """Return the thank-you notes the firm received, newest first (words, store and day only)."""
    return list(db.session.scalars(select(MealThanks).where(MealThanks.organisation_id == firm.id)
                                   .order_by(MealThanks.created_on.desc(), MealThanks.id.desc()).limit(100)))


def stores_of(firm: Organisation) -> list[MealStore]:
    return list(db.session.scalars(select(MealStore).where(MealStore.organisation_id == firm.id)
                                   .order_by(MealStore.id)))


def get_exchange(actor: User, exchange_id, partner_only: bool = False) -> MealExchange:
    """Return an exchange its partner's staff (or, unless `partner_only`, its firm's staff) may act on."""
    row = db.session.get(MealExchange, as_id(exchange_id)) if as_id(exchange_id) else None
    if row is None:
        raise NotFound()
    partner = may_run(actor, row.reward.organisation)
    if not (partner or (not partner_only and may_run(actor, row.organisation))):
        raise NotFound()
    return row


def _tell(org_id: int, row: MealExchange, side: str) -> None:
    """Notify the organisation's staff of the exchange's new state, linking to their side's page."""
    link = (("meals.partner_rewards", {"partner_org_id": org_id}) if side == "partner"
            else ("meals.points_page", {"points_firm_id": org_id}))
    db.session.refresh(row)
    for user in staff_of(org_id):
        notify(user, "meals_exchange", link=link, reward=row.reward.name, quantity=row.quantity,
               state=str(MealExchange.machine.label(row.status)))


def _not_enough(available: int, cost: int) -> NotEnoughPoints:
    return NotEnoughPoints(_l("Not enough points: the firm has %(available)d, this exchange needs %(cost)d.",
                              available=available, cost=cost))


def _whole(value, low: int, high: int) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, str):
        value = value.strip()
        if not (value.isascii() and value.isdigit() and len(value) <= 9):
            return False
        value = int(value)
    return isinstance(value, int) and low <= value <= high
