#!/usr/bin/env bash
# Set up, build the database, load demo data and start the development server.
# With no settings it runs alone: SQLite in instance/, mail printed to the console,
# payments through the demo provider. HOST and PORT choose the address.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

./scripts/setup.sh

HOST=${HOST:-127.0.0.1}
PORT=${PORT:-5000}
flask=(.venv/bin/flask --app wsgi)

"${flask[@]}" db upgrade
"${flask[@]}" seed demo

display_host=$HOST
if [[ $HOST == 0.0.0.0 ]]; then
    display_host=127.0.0.1
fi
printf '\nGoodhours is starting at http://%s:%s/  (Ctrl+C to stop)\n\n' "$display_host" "$PORT"

exec "${flask[@]}" run --host "$HOST" --port "$PORT"
