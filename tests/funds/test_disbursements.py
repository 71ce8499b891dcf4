"""Disbursement rules: threshold, two-person approval, rejection reasons, restricted funds, no overdraft, evidence."""
import pytest
from sqlalchemy import func, select

from marketplace.audit.models import AuditEvent
from marketplace.funds import disbursements, service
from marketplace.funds.models import Disbursement
from marketplace.ledger.models import LedgerEntry
from marketplace.platform.errors import Conflict, InvalidInput, NotFound
from marketplace.platform.extensions import db
from marketplace.web import uploads


def request(station, fund, upload, amount_fen, actor=None, **fields):
    values = dict(payee="天河五金店", purpose="修屋顶的材料", amount_fen=amount_fen, evidence_file=upload())
    values.update(fields)
    return disbursements.request_disbursement(actor or station.worker, fund, **values)


def stored_files(app):
    root = uploads.root()
    return sorted(p.name for p in root.rglob("*") if p.is_file()) if root.exists() else []


def test_at_or_below_the_threshold_is_paid_at_once(station, create_fund, upload):
    fund = create_fund(200_000)
    paid = request(station, fund, upload, 100_000)  # exactly ¥1,000: the threshold set here
    assert paid.status == "paid" and paid.entry_id and paid.decided_by_id == station.worker.id
    totals = service.totals(fund)
    assert (totals.received, totals.disbursed, totals.balance) == (200_000, 100_000, 100_000)
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.subject_id == paid.id,
                                                                 AuditEvent.subject_type == "Disbursement")).all()
    assert set(actions) == {"disbursement.requested", "disbursement.paid"}


def test_above_the_threshold_waits_and_the_requester_cannot_approve(station, create_fund, upload):
    fund = create_fund(200_000)
    waiting = request(station, fund, upload, 100_001)
    assert waiting.status == "requested" and waiting.entry_id is None
    assert service.totals(fund).balance == 200_000
    with pytest.raises(Conflict, match="other than the requester"):
        disbursements.approve_disbursement(station.worker, waiting.id)
    assert db.session.get(Disbursement, waiting.id).status == "requested"
    approved = disbursements.approve_disbursement(station.checker, waiting.id)
    assert approved.status == "paid" and approved.decided_by_id == station.checker.id
    assert service.totals(fund).balance == 200_000 - 100_001
    with pytest.raises(Conflict, match="already been decided"):
        disbursements.approve_disbursement(station.admin, waiting.id)


def test_the_default_second_person_amount_is_5000_yuan(app, station, create_fund, upload):
    del app.config["MONEY_SECOND_PERSON_ABOVE_FEN"]
    fund = create_fund(1_100_000)
    assert request(station, fund, upload, 500_000).status == "paid"
    assert request(station, fund, upload, 500_001).status == "requested"


def test_the_threshold_is_a_setting(app, station, create_fund, upload):
    app.config["MONEY_SECOND_PERSON_ABOVE_FEN"] = 5_000
    fund = create_fund(200_000)
    assert request(station, fund, upload, 5_001).status == "requested"
    assert request(station, fund, upload, 5_000).status == "paid"


def test_rejection_needs_and_keeps_its_reason(station, create_fund, upload):
    fund = create_fund(500_000)
    waiting = request(station, fund, upload, 300_000)
    with pytest.raises(InvalidInput):
        disbursements.reject_disbursement(station.checker, waiting.id, "  ")
    rejected = disbursements.reject_disbursement(station.checker, waiting.id, "发票抬头不对")
    assert (rejected.status, rejected.reject_reason) == ("rejected", "发票抬头不对")
    assert service.totals(fund).balance == 500_000
    with pytest.raises(Conflict):
        disbursements.approve_disbursement(station.admin, waiting.id)
    with pytest.raises(Conflict):
        disbursements.reject_disbursement(station.admin, waiting.id, "again")


def test_only_staff_of_the_organisation_request_and_decide(station, create_fund, upload, create_user, create_org):
    fund = create_fund(500_000)
    outsider = create_user()
    create_org("charity", {outsider: "staff"})
    with pytest.raises(NotFound):
        request(station, fund, upload, 1_000, actor=outsider)
    with pytest.raises(NotFound):
        request(station, fund, upload, 1_000, actor=station.donor)
    waiting = request(station, fund, upload, 300_000)
    for stranger in (outsider, station.donor, station.firm_member):
        with pytest.raises(NotFound):
            disbursements.approve_disbursement(stranger, waiting.id)
        with pytest.raises(NotFound):
            disbursements.reject_disbursement(stranger, waiting.id, "no")
    assert db.session.get(Disbursement, waiting.id).status == "requested"


def test_a_fund_never_goes_below_zero_and_a_refusal_writes_nothing(app, station, create_fund, upload):
    fund = create_fund(50_000)
    before = (db.session.scalar(select(func.count()).select_from(Disbursement)),
              db.session.scalar(select(func.count()).select_from(LedgerEntry)), stored_files(app))
    with pytest.raises(Conflict, match="not enough to pay ¥500.01"):
        request(station, fund, upload, 50_001)
    after = (db.session.scalar(select(func.count()).select_from(Disbursement)),
             db.session.scalar(select(func.count()).select_from(LedgerEntry)), stored_files(app))
    assert before == after
    assert service.totals(fund).balance == 50_000


def test_an_approval_the_fund_can_no_longer_pay_is_refused(station, create_fund, upload):
    fund = create_fund(300_000)
    waiting = request(station, fund, upload, 200_000)
    request(station, fund, upload, 100_000)
    request(station, fund, upload, 50_000)  # ¥1,500 left: less than the waiting ¥2,000
    with pytest.raises(Conflict, match="never goes below zero"):
        disbursements.approve_disbursement(station.checker, waiting.id)
    db.session.expire_all()
    assert db.session.get(Disbursement, waiting.id).status == "requested"
    assert service.totals(fund).balance == 150_000


def test_a_restricted_fund_pays_only_for_its_own_listing(station, restricted_fund, create_listing, create_fund,
                                                         upload):
    other = create_listing(title="轮椅")
    with pytest.raises(InvalidInput) as refused:
        request(station, restricted_fund, upload, 10_000, listing_id=other.id)
    assert "listing_id" in refused.value.fields
    with pytest.raises(InvalidInput):
        request(station, restricted_fund, upload, 10_000)  # no listing named at all
    paid = request(station, restricted_fund, upload, 10_000, listing_id=restricted_fund.listing_id)
    assert paid.status == "paid" and disbursements.paid_for(restricted_fund.listing) == 10_000
    general = create_fund(100_000)
    assert request(station, general, upload, 5_000, listing_id=other.id).listing_id == other.id


def test_an_unknown_listing_is_refused(station, create_fund, upload):
    fund = create_fund(100_000)
    with pytest.raises(InvalidInput):
        request(station, fund, upload, 5_000, listing_id=999_999)


def test_field_shapes_are_checked(station, create_fund, upload):
    fund = create_fund(100_000)
    with pytest.raises(InvalidInput) as refused:
        request(station, fund, upload, 0, payee="", purpose="x" * 501)
    assert set(refused.value.fields) == {"payee", "purpose", "amount_fen"}


def test_evidence_type_comes_from_the_content(app, station, create_fund, upload):
    fund = create_fund(100_000)
    png_named_pdf = request(station, fund, lambda: upload("png", filename="scan.pdf"), 1_000)
    assert png_named_pdf.evidence_type == "image/png" and png_named_pdf.evidence_path.endswith(".png")
    assert "scan" not in png_named_pdf.evidence_path
    with pytest.raises(InvalidInput) as refused:
        request(station, fund, lambda: upload("jpg", filename="receipt.jpg", data=b"just some text"), 1_000)
    assert "evidence" in refused.value.fields
    with pytest.raises(InvalidInput):
        request(station, fund, lambda: upload("pdf", data=PDF_TOO_LARGE), 1_000)
    with pytest.raises(InvalidInput):
        disbursements.request_disbursement(station.worker, fund, payee="a", purpose="b", amount_fen=1_000,
                                           evidence_file=None)
    assert db.session.scalar(select(func.count()).select_from(Disbursement)) == 1


PDF_TOO_LARGE = b"%PDF-1.4\n" + b"0" * uploads.DEFAULT_MAX_BYTES


def test_the_public_copy_is_published_only_for_paid_ones_and_loses_metadata(station, create_fund, upload):
    fund = create_fund(500_000)
    waiting = request(station, fund, upload, 200_000)
    with pytest.raises(Conflict):
        disbursements.publish_receipt(station.worker, waiting.id, upload("png"))
    with pytest.raises(NotFound):
        disbursements.published_receipt(waiting.public_code)
    paid = request(station, fund, upload, 1_000)
    published = disbursements.publish_receipt(station.worker, paid.id, upload("png"))
    assert published.public_evidence_path.endswith(".jpg")  # re-encoded from the pixels
    assert disbursements.published_receipt(paid.public_code).id == paid.id
    disbursements.unpublish_receipt(station.checker, paid.id)
    with pytest.raises(NotFound):
        disbursements.published_receipt(paid.public_code)
