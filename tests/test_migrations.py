"""The schema comes only from migrations, and they match the models exactly."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text

import marketplace.models  # noqa: F401
from marketplace.platform.extensions import db
from marketplace.platform.types import on_dialect


def test_migrations_produce_exactly_the_models_schema(app):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"render_as_batch": True,
            "compare_type": True, "compare_server_default": False,
            "include_object": on_dialect(connection.dialect.name)})
        differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_guangzhou_districts_are_seeded(app):
    from marketplace.orgs.service import districts

    names = [d.name_zh for d in districts()]
    assert len(names) == 11 and "天河区" in names and "从化区" in names


def test_audit_log_is_append_only_in_the_database(app, create_user):
    from marketplace.audit.service import record

    record("test.event", actor=create_user())
    db.session.commit()
    for statement in ("UPDATE audit_event SET action = 'changed'", "DELETE FROM audit_event"):
        try:
            with db.engine.begin() as connection:
                connection.execute(text(statement))
        except Exception as error:  # the database driver's own error type
            assert "append-only" in str(error)
        else:
            raise AssertionError(f"{statement} was allowed")
    assert db.session.scalar(text("SELECT action FROM audit_event")) == "test.event"
