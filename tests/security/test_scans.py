"""The scans CI runs (scripts/scan.sh): a vulnerable locked package fails, and a package pip-audit could not
look up is reported NOT CHECKED — never passed in silence; the lock pins every declared dependency."""
import importlib.util
import json
import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
spec = importlib.util.spec_from_file_location("audit_verdict", ROOT / "scripts" / "audit_verdict.py")
audit = importlib.util.module_from_spec(spec)
spec.loader.exec_module(audit)


def report(*packages) -> str:
    return json.dumps({"dependencies": list(packages), "fixes": []})


FLASK = {"name": "flask", "version": "3.1.3", "vulns": []}
OLD_JINJA = {"name": "jinja2", "version": "3.1.2", "vulns": [
    {"id": "GHSA-h5c8-rqwp-cp95", "fix_versions": ["3.1.3"], "aliases": ["CVE-2024-22195"]}]}
UNKNOWN = {"name": "alembic", "skip_reason": "Dependency not found on PyPI and could not be audited: alembic (1.20.1)"}


def test_a_vulnerable_locked_package_fails_naming_it_and_its_fix():
    status, lines = audit.verdict(report(FLASK, OLD_JINJA), "")
    assert status == audit.FINDING
    assert any("jinja2 3.1.2: GHSA-h5c8-rqwp-cp95 (fixed in 3.1.3)" in line for line in lines)


def test_packages_the_advisory_source_did_not_answer_for_are_not_checked_rather_than_passed():
    status, lines = audit.verdict(report(UNKNOWN, {**UNKNOWN, "name": "apispec"}), "No known vulnerabilities found")
    assert status == audit.NOT_CHECKED
    assert any(line.startswith("[scan] pip-audit did not check") and line.endswith("NOT CHECKED") for line in lines)
    status, lines = audit.verdict(report(FLASK, UNKNOWN), "")  # some answered, not all
    assert status == audit.NOT_CHECKED and any("1 of 2 packages (alembic" in line for line in lines)
    assert audit.verdict(report(OLD_JINJA, UNKNOWN), "")[0] == audit.FINDING  # a finding still fails
    assert audit.verdict(report(), "")[0] == audit.NOT_CHECKED  # a report listing nothing checked nothing


def test_an_unreachable_source_is_not_checked_but_a_broken_scanner_fails():
    offline = "requests.exceptions.ConnectionError: HTTPSConnectionPool(host='api.osv.dev'): Max retries exceeded"
    status, [line] = audit.verdict(None, offline)
    assert status == audit.NOT_CHECKED and line.startswith("[scan] pip-audit could not reach its advisory source")
    assert line.endswith("— NOT CHECKED")
    assert audit.verdict(None, "pip_audit: error: invalid requirement 'flask=='")[0] == audit.FINDING
    assert audit.verdict("{not json", "")[0] == audit.FINDING


def test_every_package_checked_and_none_vulnerable_passes():
    status, lines = audit.verdict(report(FLASK, {**FLASK, "name": "werkzeug"}), "")
    assert status == audit.CLEAN and "2 package(s) checked" in lines[-1]


def _name(requirement: str) -> str:
    return re.sub(r"[-_.]+", "-", re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", requirement).group(0)).lower()


def test_the_lock_pins_every_declared_dependency():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = {_name(r) for r in [*project["dependencies"], *project["optional-dependencies"]["test"]]}
    pinned = {_name(line) for line in (ROOT / "requirements.lock").read_text(encoding="utf-8").splitlines()
              if line and not line.startswith("#") and "==" in line}
    missing = sorted(declared - pinned)
    assert not missing, f"requirements.lock is stale (no pin for {', '.join(missing)}): run scripts/lock.sh"
