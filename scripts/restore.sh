#!/usr/bin/env bash
# Restore a dump made by scripts/backup.sh into an EMPTY database, then re-check the ledger there.
#
#   scripts/restore.sh FILE TARGET_DATABASE_URL
#
# Make the target first (UTF-8, pg_trgm), as the README's PostgreSQL section shows. Restoring into the live
# database is refused: restore next to it, check, then switch DATABASE_URL (docs/deploy.md).
set -euo pipefail

file=${1:?usage: scripts/restore.sh FILE TARGET_DATABASE_URL}
target=${2:?usage: scripts/restore.sh FILE TARGET_DATABASE_URL}
plain=${target/postgresql+psycopg:/postgresql:}
if [ -n "${DATABASE_URL:-}" ] && [ "${DATABASE_URL/postgresql+psycopg:/postgresql:}" = "$plain" ]; then
    echo "refusing to restore over DATABASE_URL, the live database" >&2
    exit 2
fi
tables=$(psql "$plain" -Atc "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
if [ "$tables" != "0" ]; then
    echo "the target database is not empty ($tables tables); restore into a new one" >&2
    exit 2
fi
pg_restore --no-owner --exit-on-error --single-transaction --dbname="$plain" "$file"
cd "$(dirname "${BASH_SOURCE[0]}")/.."
DATABASE_URL="$target" .venv/bin/flask --app wsgi ledger verify
