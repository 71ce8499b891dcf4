"""Words for the exchange domain's codes, in the reader's language."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from marketplace.exchanges.models import Category, Place, PostKind, ReportReason
from marketplace.platform.labels import Labels

POST_KINDS = Labels("exchange_post_kind", {PostKind.OFFER: _l("Offer"), PostKind.REQUEST: _l("Request")})
CATEGORIES = Labels("exchange_category", {
    Category.COMPANIONSHIP: _l("Companionship and chats"),
    Category.ERRANDS: _l("Errands and shopping"),
    Category.TEACHING: _l("Teaching (phones, reading, skills)"),
    Category.REPAIRS: _l("Small repairs"),
    Category.HEALTH_ESCORT: _l("Going to the clinic together"),
    Category.CHILDCARE: _l("Looking after children"),
    Category.IT_HELP: _l("Help with phones and computers"),
    Category.TRANSLATION: _l("Translation and forms"),
    Category.COOKING: _l("Cooking and meals"),
    Category.OTHER: _l("Something else"),
})
PLACES = Labels("exchange_place", {
    Place.HOME: _l("At home"),
    Place.OUTSIDE: _l("Meeting outside"),
    Place.ONLINE: _l("By phone or video"),
})
REPORT_REASONS = Labels("exchange_report_reason", {
    ReportReason.HARASSMENT: _l("Harassment or rudeness"),
    ReportReason.SCAM: _l("Asked for money, or for hours not served"),
    ReportReason.UNSAFE: _l("I felt unsafe"),
    ReportReason.NO_SHOW: _l("Did not come, more than once"),
    ReportReason.INAPPROPRIATE: _l("Inappropriate post or message"),
    ReportReason.OTHER: _l("Something else"),
})
