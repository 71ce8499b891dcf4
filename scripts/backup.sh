#!/usr/bin/env bash
# Dump the Goodhours database (DATABASE_URL) into DIR, check the dump reads back, keep the newest BACKUP_KEEP.
#
#   scripts/backup.sh DIR        (nightly from deploy/systemd/goodhours-backup.timer; see docs/deploy.md)
set -euo pipefail

dir=${1:?usage: scripts/backup.sh DIR}
keep=${BACKUP_KEEP:-14}
url=${DATABASE_URL:?DATABASE_URL is not set}
url=${url/postgresql+psycopg:/postgresql:}  # the app's driver name; pg_dump wants plain postgresql://
mkdir -p "$dir"
file="$dir/goodhours-$(date -u +%Y%m%dT%H%M%SZ).dump"
# custom format: compressed, restorable table by table; the ledger's triggers and functions come with it
pg_dump --format=custom --no-owner --file="$file.part" "$url"
pg_restore --list "$file.part" > /dev/null  # a dump that cannot be read is no backup
mv "$file.part" "$file"
ls -1t "$dir"/goodhours-*.dump | tail -n +$((keep + 1)) | xargs -r rm --
echo "$file"
