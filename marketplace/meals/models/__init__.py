"""Donated meal quotas (福田 M餐): firms' stores and bases, their permits, daily quota agreements and pauses;
people's anonymous reservations redeemed with a one-time code; points earned and exchanged for ingredients.

Nothing here links a meal to a person that a firm or store can read: a reservation holds a keyed hash of
the person (`MealPerson.key`), which is cleared after `MEALS_ANONYMISE_DAYS`; stores and firms see counts.
"""
from __future__ import annotations

from marketplace.meals.models.kinds import (
    CODE_LENGTH,
    Channel,
    EligibilityStatus,
    ExchangeStatus,
    PermitKind,
    PermitStatus,
    ReservationStatus,
    Situation,
    StoreKind,
    StoreStatus,
    new_short_code,
    new_token,
)
from marketplace.meals.models.people import (
    MealEligibility,
    MealPerson,
    MealPhoneCode,
    MealReservation,
    MealThanks,
)
from marketplace.meals.models.points import (
    MealExchange,
    MealPlaque,
    MealReward,
)
from marketplace.meals.models.stores import (
    MealDay,
    MealPause,
    MealPermit,
    MealQuota,
    MealStockItem,
    MealStore,
    MealWindow,
)

__all__ = [
    "CODE_LENGTH", "Channel", "EligibilityStatus", "ExchangeStatus", "MealDay", "MealEligibility", "MealExchange",
    "MealPause", "MealPermit", "MealPerson", "MealPhoneCode", "MealPlaque", "MealQuota", "MealReservation",
    "MealReward", "MealStockItem", "MealStore", "MealThanks", "MealWindow", "PermitKind", "PermitStatus",
    "ReservationStatus", "Situation", "StoreKind", "StoreStatus", "new_short_code", "new_token",
]
