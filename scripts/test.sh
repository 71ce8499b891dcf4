#!/usr/bin/env bash
# Set up, then run the whole test suite; extra arguments go to pytest.
# SQLite by default; set TEST_DATABASE_URL to run against PostgreSQL.
# Two pytest-xdist workers unless TEST_WORKERS says otherwise (0 = no xdist), or the
# arguments choose their own (-n, --numprocesses, --dist) or need one process (--pdb, --trace).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

./scripts/setup.sh

workers=${TEST_WORKERS:-2}
for arg in "$@"; do
    case $arg in
    -n | -n* | --numprocesses | --numprocesses=* | --dist | --dist=* | --pdb | --trace | -s | --capture=no)
        workers=0
        ;;
    esac
done

xdist=()
if [[ $workers != 0 ]]; then
    xdist=(-n "$workers" --dist worksteal)  # an idle worker takes queued tests from a busy one: no long tail
fi

exec .venv/bin/python -m pytest "${xdist[@]}" "$@"
