"""The transition helper: refused moves raise a translated error and write nothing; every move is recorded."""
import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from marketplace.platform.extensions import db
from marketplace.platform.state_change import StateChange
from marketplace.platform.states import MACHINES, IllegalMove
from marketplace.platform.timeutil import now_utc
from marketplace.timebank.imports.models import ImportBatch


@pytest.fixture
def batch(create_user, create_org):
    coordinator = create_user()
    org = create_org(members={coordinator: "coordinator"})
    made = ImportBatch.machine.start(ImportBatch(organisation_id=org.id, uploaded_by_id=coordinator.id, title="t"),
                                     "checking", coordinator, "uploaded")
    db.session.commit()
    return made


def _changes(subject_id):
    return list(db.session.scalars(select(StateChange).where(StateChange.machine == "hour_import",
                                                              StateChange.subject_id == subject_id)
                                   .order_by(StateChange.id)))


def test_every_move_is_recorded_with_who_when_and_why(batch):
    before = now_utc()
    ImportBatch.machine.move(batch, "checked", None, "checked")
    assert ImportBatch.machine.move_if(batch.id, "checked", "posting", batch.uploaded_by_id, "confirmed")
    assert not ImportBatch.machine.move_if(batch.id, "checked", "posting", batch.uploaded_by_id, "again")
    db.session.commit()
    moves = [(c.from_state, c.to_state, c.actor_id, c.reason) for c in _changes(batch.id)]
    assert moves == [("", "checking", batch.uploaded_by_id, "uploaded"), ("checking", "checked", None, "checked"),
                     ("checked", "posting", batch.uploaded_by_id, "confirmed")]
    assert all(c.created_at >= before for c in _changes(batch.id)[1:])
    assert db.session.get(ImportBatch, batch.id, populate_existing=True).status == "posting"


def test_a_refused_move_raises_a_translated_error_and_writes_nothing(batch):
    with pytest.raises(IllegalMove) as refused:
        ImportBatch.machine.move(batch, "posted", None, "skipping the check")
    assert refused.value.status == 409
    with force_locale("zh_CN"):
        assert str(refused.value.message) == "不能从“正在逐行检查”改为“已入账”。"  # states in words, not codes
    db.session.commit()
    assert db.session.get(ImportBatch, batch.id, populate_existing=True).status == "checking"
    assert len(_changes(batch.id)) == 1  # only its start
    with pytest.raises(ValueError):
        ImportBatch.machine.move_if(batch.id, "checking", "posted")
    with pytest.raises(IllegalMove):
        ImportBatch.machine.start(ImportBatch(organisation_id=batch.organisation_id,
                                              uploaded_by_id=batch.uploaded_by_id, title="t"), "posted")


def test_move_all_moves_only_rows_still_in_the_expected_state(batch):
    other = ImportBatch.machine.start(ImportBatch(organisation_id=batch.organisation_id,
                                                  uploaded_by_id=batch.uploaded_by_id, title="u"), "checking")
    db.session.flush()
    ImportBatch.machine.move(other, "checked")
    db.session.flush()
    moved = ImportBatch.machine.move_all([ImportBatch.organisation_id == batch.organisation_id], "checking",
                                         "failed", None, "sweep")
    assert moved == [batch.id]
    assert db.session.scalar(select(func.count()).select_from(StateChange).where(
        StateChange.to_state == "failed")) == 1


def test_a_start_is_forgotten_with_its_rolled_back_record(batch):
    ImportBatch.machine.start(ImportBatch(organisation_id=batch.organisation_id,
                                          uploaded_by_id=batch.uploaded_by_id, title="gone"), "checking")
    db.session.rollback()
    db.session.flush()
    assert db.session.scalar(select(func.count()).select_from(StateChange)) == 1


def test_every_machine_lists_only_declared_states_and_a_model():
    import marketplace.models  # noqa: F401

    assert {"attendance", "hour_report", "listing", "wish_claim", "pledge", "cancellation", "donation",
            "disbursement", "hour_import", "statement_import", "correction", "care_request", "signup"} <= set(MACHINES)
    for machine in MACHINES.values():
        assert machine.model is not None and machine.starts
        assert all(new in machine.moves for moves in machine.moves.values() for new in moves)


def test_the_states_page_is_generated_from_the_declarations(runner):
    from marketplace.platform import states_docs

    assert states_docs.PATH.read_text(encoding="utf-8") == states_docs.render(), \
        f"docs/states.md is stale: regenerate it with `{states_docs.COMMAND}`"
    result = runner.invoke(args=["states", "docs", "--check"])
    assert result.exit_code == 0, result.output
