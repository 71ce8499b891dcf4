"""Words for the referral domain's codes, in the reader's language: categories, catalogue and need kinds,
urgency, sources, answers, actions, visit modes and the facts eligibility is read from."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from marketplace.platform.labels import Labels
from marketplace.referrals.models import (
    ActionKind,
    CareCategory,
    DispatchAnswer,
    IntakeSource,
    ItemKind,
    NeedKind,
    Urgency,
    VisitMode,
)

CATEGORIES = Labels("care_category", {
    CareCategory.SUBSISTENCE: _l("Subsistence allowance (低保)"),
    CareCategory.NEAR_SUBSISTENCE: _l("Near subsistence (低边)"),
    CareCategory.EXTREME_POVERTY: _l("Extreme poverty (特困)"),
    CareCategory.EXPENDITURE_HARDSHIP: _l("Hardship from expenses (支出型困难)"),
    CareCategory.ELDERLY_ALONE: _l("Elderly living alone (独居老人)"),
    CareCategory.SEVERE_DISABILITY: _l("Severe disability (特殊重度残疾)"),
    CareCategory.UNSUPPORTED_CHILD: _l("Child without support in fact (事实无人抚养儿童)"),
})
ITEM_KINDS = Labels("assistance_item_kind", {
    ItemKind.POLICY: _l("Government policy"), ItemKind.SERVICE: _l("Service"),
    ItemKind.CHARITY: _l("Charity programme")})
NEED_KINDS = Labels("need_kind", {
    NeedKind.LIVING: _l("Daily living"), NeedKind.MEDICAL: _l("Medical"), NeedKind.HOUSING: _l("Housing"),
    NeedKind.EDUCATION: _l("Education"), NeedKind.EMPLOYMENT: _l("Work"), NeedKind.CARE: _l("Care"),
    NeedKind.OTHER: _l("Other")})
URGENCIES = Labels("urgency", {Urgency.URGENT: _l("Urgent"), Urgency.NORMAL: _l("Normal")})
SOURCES = Labels("intake_source", {IntakeSource.SOCIAL_WORKER: _l("Social worker"),
                                   IntakeSource.VISIT: _l("During a visit"),
                                   IntakeSource.HOUSEHOLD: _l("The household itself")})
ANSWERS = Labels("dispatch_answer", {DispatchAnswer.OPEN: _l("Waiting for an answer"),
                                     DispatchAnswer.ACCEPTED: _l("Accepted"), DispatchAnswer.DECLINED: _l("Declined"),
                                     DispatchAnswer.LAPSED: _l("No longer needed")})
ACTIONS = Labels("referral_action", {
    ActionKind.NOTE: _l("Note"), ActionKind.CASH: _l("Charity cash"), ActionKind.IN_KIND: _l("Goods or services"),
    ActionKind.ATTACHMENT: _l("File"), ActionKind.SPAWN: _l("Linked help"), ActionKind.ESCALATION: _l("Escalated")})
VISIT_MODES = Labels("visit_mode", {VisitMode.HOME: _l("Home visit"), VisitMode.VIDEO: _l("Video call"),
                                    VisitMode.PHONE: _l("Phone call")})
# facts a social worker records about a household; catalogue items may require them
FACTS = Labels("household_fact", {
    "aged_60_plus": _l("Someone aged 60 or over"),
    "aged_80_plus": _l("Someone aged 80 or over"),
    "disability_certificate": _l("Holds a disability certificate"),
    "chronic_illness": _l("Chronic or serious illness"),
    "school_child": _l("A child in school"),
    "unemployed": _l("Out of work"),
    "unsafe_housing": _l("Unsafe housing"),
    "no_income": _l("No regular income"),
})
