"""What ledger accounts are for: each purpose fixes the unit, the kind and the defaults."""
from __future__ import annotations

from dataclasses import dataclass


class Unit:
    MINUTES = "min"
    FEN = "fen"
    POINTS = "pt"  # firms' points for donated meals (M餐)
    MEALS = "meal"  # donated meals served


UNITS = (Unit.MINUTES, Unit.FEN, Unit.POINTS, Unit.MEALS)


@dataclass(frozen=True)
class Purpose:
    code: str
    unit: str
    root: str  # the beancount account type: Assets, Liabilities, Equity, Income or Expenses
    no_overdraft: bool
    shards: int = 1  # balance rows; more than one lets concurrent postings avoid one row lock


PURPOSES = {p.code: p for p in (
    # hours
    Purpose("volunteer_savings", Unit.MINUTES, "Liabilities", no_overdraft=True),
    Purpose("hours_issued", Unit.MINUTES, "Equity", no_overdraft=False, shards=16),
    Purpose("hour_pool", Unit.MINUTES, "Liabilities", no_overdraft=True),
    Purpose("care_settled", Unit.MINUTES, "Expenses", no_overdraft=False),
    # a member's allowance below zero in exchanges with neighbours (exchanges/transfer.py keeps it within
    # EXCHANGE_ALLOWANCE_MINUTES under the accounts' locks): negative while they received more than they had
    Purpose("exchange_credit", Unit.MINUTES, "Assets", no_overdraft=False),
    # money
    Purpose("fund", Unit.FEN, "Liabilities", no_overdraft=True, shards=16),
    Purpose("stripe_clearing", Unit.FEN, "Assets", no_overdraft=False, shards=16),
    Purpose("bank", Unit.FEN, "Assets", no_overdraft=False, shards=4),
    Purpose("cash", Unit.FEN, "Assets", no_overdraft=False),
    Purpose("disbursed", Unit.FEN, "Expenses", no_overdraft=False, shards=4),
    Purpose("fees", Unit.FEN, "Expenses", no_overdraft=False, shards=4),
    Purpose("donor", Unit.FEN, "Income", no_overdraft=False),
    Purpose("refunds_owed", Unit.FEN, "Assets", no_overdraft=False),  # refunds a fund had already paid out
    # donated meals (M餐): a meal served moves one meal from the firm to the platform's served count and
    # issues the firm its points; points spent on ingredients leave the firm's account
    Purpose("meals_donated", Unit.MEALS, "Income", no_overdraft=False, shards=4),
    Purpose("meals_served", Unit.MEALS, "Expenses", no_overdraft=False, shards=16),
    Purpose("points_issued", Unit.POINTS, "Equity", no_overdraft=False, shards=16),
    Purpose("meal_points", Unit.POINTS, "Liabilities", no_overdraft=True, shards=4),
    Purpose("points_exchanged", Unit.POINTS, "Expenses", no_overdraft=False, shards=4),
    # test and benchmark accounts: any unit, no rules of their own
    Purpose("test_minutes", Unit.MINUTES, "Assets", no_overdraft=False),
    Purpose("test_fen", Unit.FEN, "Assets", no_overdraft=False),
)}
