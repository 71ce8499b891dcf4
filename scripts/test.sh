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
    # On PostgreSQL an idle worker takes queued tests from a busy one, as its long race tests leave a tail
    # (fresh-clone runs: 5:19 and 5:23 with --dist load, 4:49 and 5:05 with worksteal); on SQLite whole
    # batches keep each worker's reused app warm (2:29 to 2:49 with load, 3:11 with worksteal).
    if [[ -n ${TEST_DATABASE_URL:-} ]]; then
        xdist=(-n "$workers" --dist worksteal)
    else
        xdist=(-n "$workers" --dist load)
    fi
fi

exec .venv/bin/python -m pytest "${xdist[@]}" "$@"
