"""Read pip-audit's JSON report and say plainly what it found (used by scripts/scan.sh).

pip-audit answers "No known vulnerabilities found" and exits 0 even when its advisory source knew none of
the packages (PyPI's JSON API unreachable behind a mirror answers 404 for each), so a clean exit alone
proves nothing: a package it could not look up is reported NOT CHECKED, never passed.

Usage: python scripts/audit_verdict.py REPORT.json STDERR.txt
Exit 0: every package checked, none vulnerable. 1: a vulnerable package, or pip-audit failed for a reason
other than the network. 3: the advisory source could not be reached for some or all packages (NOT CHECKED).
"""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path

CLEAN, FINDING, NOT_CHECKED = 0, 1, 3
UNREACHABLE = re.compile(
    r"ConnectionError|NameResolution|Max retries exceeded|timed out|Timeout|ServiceError|SSLError|ProxyError|"
    r"Temporary failure in name resolution|Network is unreachable|Connection refused|Connection reset")


def verdict(report_text: str | None, stderr: str) -> tuple[int, list[str]]:
    """Return the exit status and the lines to print for a pip-audit run's report and error output."""
    try:
        report = json.loads(report_text) if report_text else None
    except json.JSONDecodeError:
        report = None
    if not isinstance(report, dict) or not isinstance(report.get("dependencies"), list):
        last = (stderr.strip().splitlines() or ["no output"])[-1]
        if UNREACHABLE.search(stderr):
            return NOT_CHECKED, [f"[scan] pip-audit could not reach its advisory source ({last}) — NOT CHECKED"]
        return FINDING, [f"[scan] FAIL: pip-audit wrote no report ({last})"]
    packages = report["dependencies"]
    vulnerable = [p for p in packages if p.get("vulns")]
    skipped = [p for p in packages if p.get("skip_reason")]
    lines = [f"[scan] VULNERABLE: {p['name']} {p.get('version', '?')}: {v.get('id')}"
             + (f" (fixed in {', '.join(v['fix_versions'])})" if v.get("fix_versions") else " (no fix yet)")
             for p in vulnerable for v in p["vulns"]]
    if skipped:
        names = ", ".join(p["name"] for p in skipped[:8]) + (", …" if len(skipped) > 8 else "")
        whole = f"all {len(packages)}" if len(skipped) == len(packages) else f"{len(skipped)} of {len(packages)}"
        lines.append(f"[scan] pip-audit did not check {whole} packages ({names}; "
                     f"e.g. {skipped[0]['skip_reason']!r}) — NOT CHECKED")
    checked = len(packages) - len(skipped)
    if vulnerable:
        lines.append(f"[scan] FAIL: {len(vulnerable)} vulnerable package(s) in requirements.lock")
        return FINDING, lines
    if skipped:
        return NOT_CHECKED, lines
    if not checked:  # an empty report checked nothing
        lines.append("[scan] pip-audit listed no packages at all — NOT CHECKED")
        return NOT_CHECKED, lines
    lines.append(f"[scan] pip-audit: {checked} package(s) checked, no known vulnerability")
    return CLEAN, lines


def main(report_path: str, stderr_path: str) -> int:
    report, stderr = Path(report_path), Path(stderr_path)
    status, lines = verdict(report.read_text(encoding="utf-8") if report.exists() else None,
                            stderr.read_text(encoding="utf-8", errors="replace") if stderr.exists() else "")
    print("\n".join(lines))
    return status


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
