"""Import every domain's models so the metadata (and Alembic) sees them all."""
from marketplace.api.idempotency import IdempotentRequest
from marketplace.audit.models import AuditEvent
from marketplace.auth.models import ApiToken, User
from marketplace.exchanges.models import (
    Conversation,
    Endorsement,
    ExchangeAgreement,
    ExchangeMember,
    ExchangePost,
    ExchangeReport,
    MemberBlock,
    Message,
)
from marketplace.firms.models import FirmPreference
from marketplace.funds.models import Disbursement, Fund
from marketplace.ledger.models import (
    LedgerAccount,
    LedgerBalance,
    LedgerChain,
    LedgerEntry,
    LedgerHold,
    LedgerHoldSettlement,
    LedgerPeriodClose,
    LedgerPosting,
)
from marketplace.meals.models import (
    MealDay,
    MealEligibility,
    MealExchange,
    MealPause,
    MealPermit,
    MealPerson,
    MealPhoneCode,
    MealPlaque,
    MealQuota,
    MealReservation,
    MealReward,
    MealStockItem,
    MealStore,
    MealThanks,
    MealWindow,
)
from marketplace.notifications.models import Notification, NotificationDigest, NotificationPreference
from marketplace.orgs.models import Community, District, Invitation, Membership, Organisation
from marketplace.outbox.models import OutboxMessage
from marketplace.payments.models import CreditNote, Donation, PaymentEvent, ReceiptCounter
from marketplace.platform.state_change import StateChange
from marketplace.reconciliation.models import BankProfile, ReconciliationMatch, StatementImport, StatementLine
from marketplace.referrals.models import (
    AssistanceItem,
    DistrictOfficer,
    HouseholdCare,
    HouseholdCategory,
    HouseholdVisitor,
    ItemOffer,
    PolicyCheck,
    Referral,
    ReferralAction,
    ReferralDispatch,
    Visit,
    VisitVisitor,
)
from marketplace.timebank.care.models import CareRequest
from marketplace.timebank.checks.models import SpotCheck, SpotCheckItem, VolunteerPreference
from marketplace.timebank.imports.models import ImportBatch, ImportRow
from marketplace.timebank.models import Activity, Attendance, Certificate, HourReport, Signup
from marketplace.transparency.models import FundMonth, FundMonthMark
from marketplace.wishes.models import (
    Beneficiary,
    Cancellation,
    FundingLine,
    Listing,
    ListingEvent,
    Pledge,
    WishClaim,
)
from marketplace.wishes.public_models import CostItem, ListingUpdate

__all__ = [
    "Conversation", "Endorsement", "ExchangeAgreement", "ExchangeMember", "ExchangePost", "ExchangeReport",
    "MemberBlock", "Message",
    "MealDay", "MealEligibility", "MealExchange", "MealPause", "MealPermit", "MealPerson", "MealPhoneCode",
    "MealPlaque", "MealQuota", "MealReservation", "MealReward", "MealStockItem", "MealStore", "MealThanks",
    "MealWindow",
    "AssistanceItem", "Community", "DistrictOfficer", "HouseholdCare", "HouseholdCategory", "HouseholdVisitor",
    "ItemOffer", "PolicyCheck", "Referral", "ReferralAction", "ReferralDispatch", "Visit", "VisitVisitor",
    "OutboxMessage", "CostItem", "ListingUpdate",
    "ApiToken", "AuditEvent", "District", "Invitation", "LedgerAccount", "LedgerBalance", "LedgerChain",
    "LedgerEntry", "LedgerHold", "LedgerHoldSettlement", "LedgerPeriodClose", "LedgerPosting", "Membership",
    "Organisation", "User",
    "Activity", "Attendance", "Certificate", "HourReport", "Signup", "CareRequest", "ImportBatch", "ImportRow",
    "SpotCheck", "SpotCheckItem", "VolunteerPreference", "Beneficiary", "FundingLine", "Listing", "ListingEvent",
    "Pledge", "WishClaim", "FirmPreference", "Disbursement", "Fund", "Donation", "PaymentEvent", "ReceiptCounter",
    "BankProfile", "ReconciliationMatch", "StatementImport", "StatementLine", "Cancellation", "CreditNote",
    "IdempotentRequest", "StateChange",
    "Notification", "NotificationDigest", "NotificationPreference", "FundMonth", "FundMonthMark",
]
