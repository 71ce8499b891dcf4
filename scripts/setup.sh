#!/usr/bin/env bash
# Prepare a checkout to run: system packages for browser tests, .venv, compiled catalogs.
# Safe to run again: each step is skipped when its result is already in place.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

say() { printf '[setup] %s\n' "$*"; }

# --- System packages: chromium for browser tests, a CJK font for PDF certificates ---
SYSTEM_PACKAGES=(chromium fonts-wqy-microhei)

is_installed() {
    dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}

missing=()
if command -v dpkg-query >/dev/null 2>&1; then
    for pkg in "${SYSTEM_PACKAGES[@]}"; do
        is_installed "$pkg" || missing+=("$pkg")
    done
elif ! command -v chromium >/dev/null 2>&1; then
    missing=("${SYSTEM_PACKAGES[@]}")
fi

if ((${#missing[@]})); then
    if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
        say "installing ${missing[*]} (apt-get)"
        if ! { apt-get update -qq &&
            DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null; }; then
            say "WARNING: could not install ${missing[*]}; browser tests will be skipped."
        fi
    else
        say "NOTE: missing system packages: ${missing[*]}."
        say "      Install them as root (Debian/Ubuntu):"
        say "        sudo apt-get update && sudo apt-get install -y ${missing[*]}"
        say "      Until then the browser tests (marker 'browser') will be skipped,"
        say "      and certificates of service cannot be drawn without fonts-wqy-microhei."
    fi
fi

# --- Python virtual environment ---------------------------------------------------
find_python() {
    local candidate
    for candidate in python3.11 python3.12 python3.13 python3; do
        if command -v "$candidate" >/dev/null 2>&1 &&
            "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
            command -v "$candidate"
            return 0
        fi
    done
    return 1
}

if ! .venv/bin/python -c '' 2>/dev/null; then
    python=$(find_python) || {
        say "ERROR: Python 3.11 or newer is needed (python3.11 or python3 on PATH)."
        exit 1
    }
    say "creating .venv with $python"
    rm -rf .venv
    "$python" -m venv .venv
fi

# Reinstall only when pyproject.toml or requirements.lock changed or the package is not installed.
# The lock's pins are constraints: every machine and CI install the same versions (scripts/lock.sh renews
# them); a dependency added to pyproject.toml but not yet locked still installs, at its newest version.
stamp=.venv/.goodhours-install-stamp
wanted=$(cat pyproject.toml requirements.lock | cksum)
if [[ ! -f $stamp || $(cat "$stamp") != "$wanted" ]] ||
    ! .venv/bin/python -c 'import importlib.metadata as m; m.version("goodhours")' 2>/dev/null; then
    say "installing Python dependencies into .venv (pinned by requirements.lock)"
    .venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip
    .venv/bin/python -m pip install -q --disable-pip-version-check -c requirements.lock -e '.[test]'
    printf '%s\n' "$wanted" >"$stamp"
fi

# --- Translations ------------------------------------------------------------------
if compgen -G 'marketplace/translations/*/LC_MESSAGES/messages.po' >/dev/null; then
    .venv/bin/pybabel -q compile -d marketplace/translations
else
    say "WARNING: no catalogs under marketplace/translations; pages will show source text."
fi
