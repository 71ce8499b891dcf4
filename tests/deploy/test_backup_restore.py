"""The backup in docs/deploy.md restores: a nightly dump (scripts/backup.sh) of a database with ledger entries
restores into a new database (scripts/restore.sh), whose ledger then verifies, and never over the live one."""
from __future__ import annotations

import os
import secrets
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.db_setup import POSTGRES_URL

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.skipif(not POSTGRES_URL or not shutil.which("pg_dump"),
                                reason="needs TEST_DATABASE_URL and pg_dump (PostgreSQL)")


def _server() -> str:
    url = POSTGRES_URL.replace("postgresql+psycopg://", "postgresql://").replace("postgres://", "postgresql://")
    return url.rsplit("/", 1)[0]


def _psql(database: str, sql: str) -> str:
    return subprocess.run(["psql", "-X", "-qAt", "-v", "ON_ERROR_STOP=1", f"{_server()}/{database}", "-c", sql],
                          check=True, capture_output=True, text=True).stdout.strip()


def _create(name: str) -> str:
    _psql("postgres", f"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING UTF8 LC_COLLATE 'C.UTF-8' "
                      "LC_CTYPE 'C.UTF-8'")
    return f"{_server().replace('postgresql://', 'postgresql+psycopg://')}/{name}"


def _run(args: list[str], **env) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=300,
                          env={**os.environ, "SECRET_KEY": "backup-test", **env})


def _with_entries(url: str) -> None:
    """Build the schema and post two entries, as the site would."""
    upgraded = _run([".venv/bin/flask", "--app", "wsgi", "db", "upgrade"], DATABASE_URL=url)
    assert upgraded.returncode == 0, upgraded.stderr
    script = ("from marketplace import create_app\n"
              "from marketplace.ledger import service\n"
              "from marketplace.ledger.causes import Cause\n"
              "from marketplace.platform.extensions import db\n"
              "app = create_app()\n"
              "with app.app_context():\n"
              "    a, b = (service.open_account('test', n, 'test_fen') for n in (1, 2))\n"
              "    for key in ('backup-1', 'backup-2'):\n"
              "        service.post([(a, -100), (b, 100)], cause=Cause.test(key), kind='test')\n"
              "    db.session.commit()\n")
    posted = _run([".venv/bin/python", "-c", script], DATABASE_URL=url)
    assert posted.returncode == 0, posted.stderr


def test_a_nightly_dump_restores_into_a_new_database_whose_ledger_verifies(tmp_path):
    source, target = (f"goodhours_backup_{secrets.token_hex(4)}" for _ in range(2))
    try:
        source_url = _create(source)
        _with_entries(source_url)
        dumped = _run(["scripts/backup.sh", str(tmp_path)], DATABASE_URL=source_url, BACKUP_KEEP="1")
        assert dumped.returncode == 0, dumped.stderr
        dump = Path(dumped.stdout.strip().splitlines()[-1])
        assert dump.exists() and dump.parent == tmp_path and not list(tmp_path.glob("*.part"))

        target_url = _create(target)
        over_live = _run(["scripts/restore.sh", str(dump), source_url], DATABASE_URL=source_url)
        assert over_live.returncode == 2 and "live database" in over_live.stderr
        restored = _run(["scripts/restore.sh", str(dump), target_url], DATABASE_URL="")
        assert restored.returncode == 0, restored.stderr
        assert _psql(target, "SELECT count(*) FROM ledger_entry") == _psql(source, "SELECT count(*) FROM ledger_entry")
        assert _psql(target, "SELECT version_num FROM alembic_version") == \
            _psql(source, "SELECT version_num FROM alembic_version")
        again = _run(["scripts/restore.sh", str(dump), target_url], DATABASE_URL="")
        assert again.returncode == 2 and "not empty" in again.stderr  # never over data
    finally:
        for name in (source, target):
            _psql("postgres", f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
