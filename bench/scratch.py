"""What the benchmarks share: a scratch PostgreSQL database, created and dropped, and an app on it."""
from __future__ import annotations

import os
import secrets
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

SERVER = os.environ.get("BENCH_PG", "postgresql://postgres@127.0.0.1:5432")


def psql(database: str, sql: str) -> None:
    subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", f"{SERVER}/{database}", "-c", sql], check=True)


def make_app(url: str, **config):
    os.environ.setdefault("SECRET_KEY", "bench-only")
    from marketplace import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": url, "RATELIMIT_ENABLED": False,
                       "SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": 2}, **config})


@contextmanager
def scratch_database(prefix: str = "goodhours_bench_") -> Iterator[str]:
    """Create a migrated UTF-8 database named `prefix` and a random tail, yield its URL, and drop it whatever
    happens."""
    name = f"{prefix}{secrets.token_hex(4)}"
    psql("postgres", f"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING UTF8 LC_COLLATE 'C.UTF-8' "
                     "LC_CTYPE 'C.UTF-8'")
    url = SERVER.replace("postgresql://", "postgresql+psycopg://") + "/" + name
    try:
        from flask_migrate import upgrade

        from marketplace.platform.extensions import db

        app = make_app(url)
        with app.app_context():
            upgrade()
            db.engine.dispose()
        yield url
    finally:
        psql("postgres", f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
