#!/usr/bin/env bash
# Keep the translation catalogs in step with the source.
#
#   scripts/i18n.sh [extract|update|compile|all]     (default: all)
#
#   extract  collect every translatable string into marketplace/translations/messages.pot
#   update   merge the template into the zh_CN and en catalogs (creating them if missing),
#            then fill the en catalog with the English source text
#   compile  build the .mo files the app loads
#   all      extract, update and compile
#
# After `all`, new strings show up in marketplace/translations/zh_CN/LC_MESSAGES/messages.po
# with an empty msgstr; translate them, then run `scripts/i18n.sh compile`.
# `.venv/bin/python -m pytest tests/test_catalogs.py` lists any that are still missing.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

PYBABEL=${PYBABEL:-.venv/bin/pybabel}
PYTHON=${PYTHON:-.venv/bin/python}
DIR=marketplace/translations
POT=$DIR/messages.pot
LOCALES=(zh_CN en)

extract() {
    mkdir -p "$DIR"
    "$PYBABEL" extract -F babel.cfg -k _l -k lazy_gettext \
        --sort-by-file --no-wrap \
        --project Goodhours --version 0.1 --copyright-holder "Goodhours" \
        -o "$POT" .
}

update() {
    [[ -f $POT ]] || extract
    local locale po
    for locale in "${LOCALES[@]}"; do
        po=$DIR/$locale/LC_MESSAGES/messages.po
        if [[ -f $po ]]; then
            "$PYBABEL" update -i "$POT" -d "$DIR" -l "$locale" \
                --no-fuzzy-matching --ignore-obsolete --no-wrap
        else
            "$PYBABEL" init -i "$POT" -d "$DIR" -l "$locale" --no-wrap
        fi
    done
    "$PYTHON" scripts/fill_en_catalog.py "$DIR/en/LC_MESSAGES/messages.po"
}

compile() {
    "$PYBABEL" compile -d "$DIR" --statistics
}

case ${1:-all} in
extract) extract ;;
update) update ;;
compile) compile ;;
all)
    extract
    update
    compile
    ;;
*)
    printf 'usage: %s [extract|update|compile|all]\n' "$0" >&2
    exit 2
    ;;
esac
