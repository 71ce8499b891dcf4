#!/usr/bin/env bash
# Install the Debian packages the serving bench (bench/serving.py) needs: nginx, to run the documented proxy
# config in front of gunicorn, and wrk (load at a fixed concurrency and duration; ab from apache2-utils as well).
# Opt-in: scripts/setup.sh does not run this, and neither does CI. Run as root (or it prints the command).
# Debian starts an installed nginx as a service on port 80; the bench never uses it (it runs its own nginx
# with its own config on free ports), so this stops and disables that service unless --keep-service.
set -euo pipefail

say() { printf '[bench-setup] %s\n' "$*"; }

PACKAGES=(nginx-light wrk apache2-utils)
keep_service=0
[[ ${1:-} == --keep-service ]] && keep_service=1

missing=()
for pkg in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
# nginx-light is gone from newer Debian releases; plain nginx does as well
if [[ " ${missing[*]} " == *" nginx-light "* ]] && command -v nginx >/dev/null 2>&1; then
    missing=("${missing[@]/nginx-light/}")
fi
mapfile -t missing < <(printf '%s\n' "${missing[@]}" | grep -v '^$' || true)

if ((${#missing[@]})); then
    if [[ $(id -u) -ne 0 ]] || ! command -v apt-get >/dev/null 2>&1; then
        say "missing: ${missing[*]}. As root (Debian/Ubuntu):"
        say "  sudo apt-get update && sudo apt-get install -y ${missing[*]}"
        exit 1
    fi
    say "installing ${missing[*]} (apt-get)"
    apt-get update -qq
    # policy-rc.d 101: packages may not start their services while they are installed
    policy=/usr/sbin/policy-rc.d
    had_policy=0
    [[ -e $policy ]] && had_policy=1
    if ((!had_policy)); then printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy"; fi
    if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null; then
        if [[ " ${missing[*]} " == *" nginx-light "* ]]; then  # not in this release: the full package
            missing=("${missing[@]/nginx-light/nginx}")
            DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
        else
            ((had_policy)) || rm -f "$policy"
            exit 1
        fi
    fi
    ((had_policy)) || rm -f "$policy"
fi

if ((!keep_service)) && [[ $(id -u) -eq 0 ]]; then
    if command -v systemctl >/dev/null 2>&1 && systemctl is-system-running >/dev/null 2>&1; then
        systemctl disable --now nginx >/dev/null 2>&1 || true
    elif [[ -f /run/nginx.pid ]]; then
        nginx -s quit 2>/dev/null || true
    fi
fi

say "nginx: $(command -v nginx || echo missing), wrk: $(command -v wrk || echo missing), ab: $(command -v ab || echo missing)"
