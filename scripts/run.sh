#!/usr/bin/env bash
# Set up, build the database, load demo data and start the development server.
# With no settings it runs alone: SQLite in instance/, mail printed to the console,
# payments through the demo provider. HOST and PORT choose the address.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

./scripts/setup.sh

# exported: the app reads them too, so that links in emails (SITE_URL) point at this server
export HOST=${HOST:-127.0.0.1}
export PORT=${PORT:-5000}
flask=(.venv/bin/flask --app wsgi)

"${flask[@]}" db upgrade
"${flask[@]}" seed demo

# the address links are built on: SITE_URL if set, else the one derived from HOST and PORT
site_url=$(.venv/bin/python -c 'import config; print(config.load("instance")["SITE_URL"])')
printf '\nGoodhours is starting at %s/  (Ctrl+C to stop)\n\n' "$site_url"

exec "${flask[@]}" run --host "$HOST" --port "$PORT"
