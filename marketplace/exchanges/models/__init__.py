"""The exchange domain's tables (import them from here)."""
from marketplace.exchanges.models.agreements import Endorsement, ExchangeAgreement
from marketplace.exchanges.models.kinds import (
    AgreementStatus,
    Category,
    Place,
    PostKind,
    PostStatus,
    ReportReason,
    ReportStatus,
)
from marketplace.exchanges.models.posts import ExchangeMember, ExchangePost
from marketplace.exchanges.models.talk import Conversation, ExchangeReport, MemberBlock, Message

__all__ = ["AgreementStatus", "Category", "Conversation", "Endorsement", "ExchangeAgreement", "ExchangeMember",
           "ExchangePost", "ExchangeReport", "MemberBlock", "Message", "Place", "PostKind", "PostStatus",
           "ReportReason", "ReportStatus"]
