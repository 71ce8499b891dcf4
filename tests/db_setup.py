"""Test databases: migrate once per worker, then give each test a clean copy."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

from psycopg.types.json import Json
from sqlalchemy import create_engine, inspect, text

POSTGRES_URL = os.environ.get("TEST_DATABASE_URL")


def normalise(url: str) -> str:
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _adapt(value):
    return Json(value) if isinstance(value, dict | list) else value


def _run_script(conn, script: str) -> None:
    """Send several statements at once, without parameters (so no placeholder parsing), in conn's transaction."""
    with conn.connection.driver_connection.cursor() as cursor:
        cursor.execute(script)


def is_postgres() -> bool:
    return bool(POSTGRES_URL)


class TestDatabase:
    """One migrated database per xdist worker, reset between tests."""

    def __init__(self, worker: str, tmp: Path):
        self.worker = worker
        self.tmp = tmp
        self.baseline: dict[str, list[dict]] = {}
        self.saved: dict[str, object] = {}  # states saved by name, to restore instead of rebuilding
        self.saved_data: dict[str, object] = {}  # what building each saved state returned
        self.counter = 0
        self.last_app = None  # (app_config key, app, its settings as built, its limiter storage): see `app`
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
            from marketplace.platform.extensions import db

            self.baseline = self._snapshot(db.engine)
            db.engine.dispose()

    def config(self) -> dict:
        return {"SQLALCHEMY_DATABASE_URI": self.url, "SQLALCHEMY_ENGINE_OPTIONS": self.engine_options}

    def fresh(self, reused: bool = False) -> dict:
        """Return settings for a database in its just-migrated state: on SQLite a copy of the template,
        at one path for the app the worker reuses (`reused`), else at a path of its own."""
        if is_postgres():
            self._reset_postgres()
            return self.config()
        if reused:
            path = self.tmp / "reused.sqlite3"
            shutil.copyfile(self.template, path)
            return {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}", "SQLALCHEMY_ENGINE_OPTIONS": {}}
        self.counter += 1
        path = self.tmp / f"test-{self.counter}.sqlite3"
        shutil.copyfile(self.template, path)
        return {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}", "SQLALCHEMY_ENGINE_OPTIONS": {}}

    def save(self, name: str, settings: dict, engine) -> None:
        """Keep the database's current state under `name` (the caller has committed)."""
        if is_postgres():
            self.saved[name] = self._snapshot(engine)
            return
        engine.dispose()
        target = self.tmp / f"saved-{name}.sqlite3"
        shutil.copyfile(settings["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///"), target)
        self.saved[name] = target

    def restore(self, name: str, settings: dict, engine) -> None:
        """Put the database back in the state saved under `name`."""
        engine.dispose()
        if is_postgres():
            self._reset_postgres(self.saved[name])
        else:
            shutil.copyfile(self.saved[name], settings["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///"))

    def discard(self, settings: dict) -> None:
        if not is_postgres() and not settings["SQLALCHEMY_DATABASE_URI"].endswith("/reused.sqlite3"):
            Path(settings["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")).unlink(missing_ok=True)

    def _snapshot(self, engine) -> dict[str, list[dict]]:
        tables = [t for t in inspect(engine).get_table_names() if t != "alembic_version"]
        with engine.connect() as conn:
            return {t: [dict(r._mapping) for r in conn.execute(text(f'SELECT * FROM "{t}"'))]
                    for t in tables}

    def _reset_postgres(self, state: dict[str, list[dict]] | None = None) -> None:
        """Empty every table and put `state` back (DELETE, not TRUNCATE: far cheaper per test).

        Back to the baseline (before every test) is one script sent in one round trip on a connection
        kept for the purpose; a saved state is inserted with parameters.
        """
        with self._admin().begin() as conn:
            if state is None:
                if not hasattr(self, "_baseline_script"):
                    self._baseline_script = self._script(conn, self.baseline)
                _run_script(conn, self._baseline_script)
                return
            _run_script(conn, self._script(conn, {}))
            for table, rows in state.items():
                if rows:
                    cols = list(rows[0])
                    quoted = ", ".join(f'"{c}"' for c in cols)
                    conn.execute(
                        text(f'INSERT INTO "{table}" ({quoted}) VALUES ({", ".join(":" + c for c in cols)})'),
                        [{k: _adapt(v) for k, v in row.items()} for row in rows],
                    )
            _run_script(conn, self._sequences_script(conn))

    def close(self) -> None:
        """Close the connection kept for resets."""
        if hasattr(self, "_admin_engine"):
            self._admin_engine.dispose()
            del self._admin_engine

    def _admin(self):
        if not hasattr(self, "_admin_engine"):
            self._admin_engine = create_engine(self.url, **self.engine_options)
        return self._admin_engine

    def _script(self, conn, rows_by_table: dict[str, list[dict]]) -> str:
        """SQL that empties every table, inserts the given rows as literals and, with rows, sets the sequences."""
        from psycopg import sql

        raw = conn.connection.driver_connection
        # Triggers (append-only, balance checks) and foreign keys stay quiet while rows move.
        parts = ["SET LOCAL session_replication_role = replica"]
        parts += [f'DELETE FROM "{table}"' for table in self.baseline]
        for table, rows in rows_by_table.items():
            for row in rows:
                values = ", ".join(sql.Literal(_adapt(v)).as_string(raw) for v in row.values())
                parts.append(f'INSERT INTO "{table}" ({", ".join(chr(34) + c + chr(34) for c in row)}) '
                             f"VALUES ({values})")
        if rows_by_table:
            parts.append(self._sequences_script(conn))
        return ";\n".join(parts)

    def _sequences_script(self, conn) -> str:
        return ";\n".join(
            f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
            f"COALESCE((SELECT MAX(id) FROM \"{table}\"), 0) + 1, false)" for table in self._serial_tables(conn))

    def _serial_tables(self, conn) -> list[str]:
        if not hasattr(self, "_serials"):
            self._serials = [t for (t,) in conn.execute(text(
                "SELECT table_name FROM information_schema.columns WHERE table_schema = current_schema() "
                "AND column_name = 'id' AND column_default LIKE 'nextval%'")) if t in self.baseline]
        return self._serials
