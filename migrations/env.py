"""Alembic environment: the schema comes only from these migrations."""
import logging
from logging.config import fileConfig

from alembic import context
from flask import current_app

import marketplace.models  # noqa: F401  (registers every model on the metadata)
from marketplace.platform.types import on_dialect

config = context.config
if config.config_file_name and not config.attributes.get("skip_logging"):
    fileConfig(config.config_file_name, disable_existing_loggers=False)
logger = logging.getLogger("alembic.env")

db = current_app.extensions["migrate"].db
config.set_main_option("sqlalchemy.url", db.engine.url.render_as_string(hide_password=False).replace("%", "%%"))


def _options() -> dict:
    return {"target_metadata": db.metadata, **current_app.extensions["migrate"].configure_args}


def run_migrations_offline():
    """Emit SQL without a database connection."""
    context.configure(url=config.get_main_option("sqlalchemy.url"), literal_binds=True, **_options())
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online():
    """Run migrations against the app's database."""

    def process_revision_directives(context, revision, directives):
        if getattr(config.cmd_opts, "autogenerate", False):
            script = directives[0]
            if script.upgrade_ops.is_empty():
                directives[:] = []
                logger.info("No changes in schema detected.")

    options = _options()
    options.setdefault("process_revision_directives", process_revision_directives)
    with db.engine.connect() as connection:
        options.setdefault("include_object", on_dialect(connection.dialect.name))
        context.configure(connection=connection, **options)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
