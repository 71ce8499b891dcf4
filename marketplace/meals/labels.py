"""Words for the meal domain's codes, in the reader's language."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from marketplace.meals.models import Channel, PermitKind, Situation, StoreKind
from marketplace.platform.labels import Labels

STORE_KINDS = Labels("meal_store_kind", {
    StoreKind.RESTAURANT: _l("Restaurant (donated meals)"),
    StoreKind.BASE: _l("Base (爱心基地, 青年驿站): food blind boxes"),
})
PERMIT_KINDS = Labels("meal_permit_kind", {
    PermitKind.LICENCE: _l("Business licence (营业执照)"),
    PermitKind.HYGIENE: _l("Food business permit (食品经营许可证)"),
})
CHANNELS = Labels("meal_channel", {Channel.ONLINE: _l("Reserved online"), Channel.WALK_IN: _l("Walk-in")})
SITUATIONS = Labels("meal_situation", {
    Situation.GRADUATE: _l("Graduate looking for work"),
    Situation.INTERN: _l("Intern without pay"),
    Situation.BETWEEN_JOBS: _l("Between jobs, no income"),
    Situation.OTHER: _l("Other hardship"),
})
