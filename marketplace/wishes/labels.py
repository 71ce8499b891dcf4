"""Words for the wishes' codes (categories, age bands, kinds, sources, statuses) in the reader's
language: choices for forms and template globals for pages."""
from __future__ import annotations

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from marketplace.platform.labels import Labels
from marketplace.wishes.lifecycle import status_label
from marketplace.wishes.models import AgeBand, ClaimMethod, FundingSource, HouseholdCategory, ListingKind

CATEGORIES = Labels("household_category", {
    HouseholdCategory.MINIMUM_LIVING: _l("Minimum living allowance (低保)"),
    HouseholdCategory.EXTREME_POVERTY: _l("Extreme poverty (特困)"),
    HouseholdCategory.NEAR_POVERTY: _l("Near poverty (低边)"),
    HouseholdCategory.EXPENDITURE_HARDSHIP: _l("Hardship from expenses (支出型困难)"),
    HouseholdCategory.CHILD_IN_DIFFICULTY: _l("Child in difficulty (困境儿童)"),
    HouseholdCategory.ELDERLY_ALONE: _l("Elderly living alone (独居老人)"),
    HouseholdCategory.DISABILITY: _l("Disability (残疾)"),
})
AGE_BANDS = Labels("age_band", {AgeBand.CHILD: _l("Under 18"), AgeBand.ADULT: _l("18 to 59"),
                                AgeBand.OLDER: _l("60 to 79"), AgeBand.ELDERLY: _l("80 and over")})
KINDS = Labels("listing_kind", {ListingKind.WISH: _l("Micro-wish"), ListingKind.HOUSEHOLD_NEED: _l("Household need"),
                                ListingKind.SERVICE_NEED: _l("Service need")})
SOURCES = Labels("funding_source", {FundingSource.GOVERNMENT: _l("Government subsidy"), FundingSource.FIRM: _l("Firms"),
                                    FundingSource.CHARITY: _l("Charity"), FundingSource.FAMILY: _l("The family"),
                                    FundingSource.DONOR: _l("Individual donors")})
LIGHT_NAMES = Labels("light", {"red": _l("Red"), "yellow": _l("Yellow"), "green": _l("Green")})
CLAIM_METHODS = Labels("claim_method", {ClaimMethod.IN_KIND: _l("In kind"), ClaimMethod.MONEY: _l("By money")})


def choices(labels: Labels) -> list[tuple[str, str]]:
    """Return (value, label) pairs for a form's select field."""
    return [(code, str(label)) for code, label in labels.choices()]


def register(bp: Blueprint) -> None:
    """Make the label functions template globals: category_name, age_band_name, kind_name, source_name,
    listing_status and light_name."""
    for name, labels in (("category_name", CATEGORIES), ("age_band_name", AGE_BANDS), ("kind_name", KINDS),
                         ("source_name", SOURCES), ("light_name", LIGHT_NAMES)):
        bp.add_app_template_global(labels, name)
    bp.add_app_template_global(status_label, "listing_status")
