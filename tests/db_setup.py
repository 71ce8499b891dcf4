"""Test databases: migrate once per worker, then give each test a clean copy."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

from sqlalchemy import create_engine, inspect, text

POSTGRES_URL = os.environ.get("TEST_DATABASE_URL")


def normalise(url: str) -> str:
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def is_postgres() -> bool:
    return bool(POSTGRES_URL)


class TestDatabase:
    """One migrated database per xdist worker, reset between tests."""

    def __init__(self, worker: str, tmp: Path):
        self.worker = worker
        self.tmp = tmp
        self.baseline: dict[str, list[dict]] = {}
        self.counter = 0
        if is_postgres():
            self.schema = f"test_{worker}"
            self.url = normalise(POSTGRES_URL)
            self.engine_options = {"connect_args": {"options": f"-csearch_path={self.schema},public"}}
        else:
            self.template = tmp / "template.sqlite3"
            self.url = f"sqlite:///{self.template}"
            self.engine_options = {}

    def prepare(self) -> None:
        """Create an empty schema and run every migration into it."""
        from flask_migrate import upgrade

        from marketplace import create_app

        if is_postgres():
            engine = create_engine(self.url)
            with engine.begin() as conn:
                conn.execute(text(f'DROP SCHEMA IF EXISTS "{self.schema}" CASCADE'))
                conn.execute(text(f'CREATE SCHEMA "{self.schema}"'))
            engine.dispose()
        app = create_app(self.config())
        with app.app_context():
            upgrade()
            from marketplace.extensions import db

            self.baseline = self._snapshot(db.engine)
            db.engine.dispose()

    def config(self) -> dict:
        return {"SQLALCHEMY_DATABASE_URI": self.url, "SQLALCHEMY_ENGINE_OPTIONS": self.engine_options}

    def fresh(self) -> dict:
        """Return settings for a database in its just-migrated state."""
        if is_postgres():
            self._reset_postgres()
            return self.config()
        self.counter += 1
        path = self.tmp / f"test-{self.counter}.sqlite3"
        shutil.copyfile(self.template, path)
        return {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}", "SQLALCHEMY_ENGINE_OPTIONS": {}}

    def discard(self, settings: dict) -> None:
        if not is_postgres():
            Path(settings["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")).unlink(missing_ok=True)

    def _snapshot(self, engine) -> dict[str, list[dict]]:
        tables = [t for t in inspect(engine).get_table_names() if t != "alembic_version"]
        with engine.connect() as conn:
            return {t: [dict(r._mapping) for r in conn.execute(text(f'SELECT * FROM "{t}"'))]
                    for t in tables}

    def _reset_postgres(self) -> None:
        engine = create_engine(self.url, **self.engine_options)
        names = ", ".join(f'"{t}"' for t in self.baseline)
        with engine.begin() as conn:
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
            for table, rows in self.baseline.items():
                if rows:
                    cols = list(rows[0])
                    conn.execute(
                        text(f'INSERT INTO "{table}" ({", ".join(cols)}) '
                             f'VALUES ({", ".join(":" + c for c in cols)})'),
                        rows,
                    )
                    if "id" in cols:
                        conn.execute(text(
                            f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                            f"(SELECT MAX(id) FROM \"{table}\"))"))
        engine.dispose()
