"""Our wish categories and listing kinds as 360Giving "grants to individuals" codes (GTIR reasons, GTIP purposes).

Codes come from the 360Giving code lists grantToIndividualsReason.csv and grantToIndividualsPurpose.csv
(360Giving Data Standard 1.4, CC BY 4.0); the lists themselves are not copied into this project.
"""
from __future__ import annotations

from marketplace.wishes.models import HouseholdCategory as C
from marketplace.wishes.models import ListingKind as K

# category -> (primary reason, secondary reason or None)
REASONS: dict[str, tuple[str, str | None]] = {
    C.MINIMUM_LIVING: ("GTIR010", None),  # 低保 minimum living allowance: Financial Hardship (low income)
    C.EXTREME_POVERTY: ("GTIR010", None),  # 特困 extreme poverty support: Financial Hardship (poverty)
    C.NEAR_POVERTY: ("GTIR010", None),  # 低边 just above the 低保 line: Financial Hardship (low income)
    # 支出型困难 poor because of unavoidable spending, mostly illness: Financial Hardship, then Health/Condition
    C.EXPENDITURE_HARDSHIP: ("GTIR010", "GTIR030"),
    # 困境儿童 children in difficulty (orphaned, unsupported, neglected): Marginalised (vulnerable people)
    C.CHILD_IN_DIFFICULTY: ("GTIR090", None),
    # 独居老人 older people living alone: Marginalised (vulnerable people, barriers to access)
    C.ELDERLY_ALONE: ("GTIR090", None),
    C.DISABILITY: ("GTIR020", None),  # 残疾 disability: Disability
}

# listing kind -> grant purposes
PURPOSES: dict[str, list[str]] = {
    # 微心愿 a micro-wish: a quilt, a school bag, a rice cooker: Food and essential items
    K.WISH: ["GTIP070"],
    # 安心善居 a household need: home repair and safety adaptations: Equipment and home adaptations
    K.HOUSEHOLD_NEED: ["GTIP030"],
    # a service need (care, accompaniment): Health, care and wellbeing services
    K.SERVICE_NEED: ["GTIP120"],
}
UNRESTRICTED = "GTIP010"  # a kind without a mapping: Unrestricted


def individual_details(kind: str, category: str) -> dict:
    """Return toIndividualsDetails for a listing of `kind` for a household of `category`."""
    details: dict = {}
    reason = REASONS.get(category)
    if reason is not None:
        details["primaryGrantReason"] = reason[0]
        if reason[1]:
            details["secondaryGrantReason"] = reason[1]
    details["grantPurpose"] = list(PURPOSES.get(kind, [UNRESTRICTED]))
    return details
