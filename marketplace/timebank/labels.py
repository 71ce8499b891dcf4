"""Plain words for the time bank's codes: activity categories, care services and volunteers' badges."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from marketplace.platform.labels import Labels
from marketplace.timebank.models import Category

CATEGORIES = Labels("activity_category", {
    Category.ELDERLY_CARE: _l("Elderly care"), Category.CHILDREN: _l("Children"), Category.COMMUNITY: _l("Community"),
    Category.ENVIRONMENT: _l("Environment"), Category.DISABILITY: _l("Disability support"),
    Category.POVERTY_RELIEF: _l("Poverty relief"), Category.EMERGENCY: _l("Emergency"), Category.OTHER: _l("Other"),
})
CARE_SERVICES = Labels("care_service", {
    "home_visit": _l("Home visit"), "meal_delivery": _l("Meal delivery"), "hospital_escort": _l("Escort to hospital"),
    "cleaning": _l("Cleaning"), "shopping": _l("Shopping"), "companionship": _l("Companionship"), "other": _l("Other"),
})
BADGES = Labels("volunteer_badge", {
    "first_service": _l("First service"), "ten_activities": _l("10 activities"),
    "hundred_hours": _l("100 hours of service"), "thousand_hours": _l("1,000 hours of service"),
    "gave_hours": _l("Gave hours"), "gave_care": _l("Gave care"),
})
