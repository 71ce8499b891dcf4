"""The serving stack in deploy/ stays in step with the code: gunicorn's settings load, and every command the
systemd units run exists."""
from __future__ import annotations

import multiprocessing
import re
import runpy
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"


def test_gunicorn_runs_threaded_workers_sized_from_the_cpus_behind_the_proxy(monkeypatch):
    for name in ("GUNICORN_WORKERS", "GUNICORN_THREADS", "GUNICORN_BIND"):
        monkeypatch.delenv(name, raising=False)
    conf = runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))
    assert conf["worker_class"] == "gthread" and conf["threads"] >= 2
    assert conf["workers"] == 2 * multiprocessing.cpu_count() + 1
    assert conf["bind"].startswith("127.0.0.1:")  # only nginx talks to it
    checked = subprocess.run([str(ROOT / ".venv/bin/gunicorn"), "--check-config", "-c",
                              str(DEPLOY / "gunicorn.conf.py"), "wsgi:app"],
                             cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert checked.returncode == 0, checked.stderr


def _flask_commands() -> list[list[str]]:
    found = []
    for unit in (DEPLOY / "systemd").glob("*.service"):
        for line in unit.read_text().splitlines():
            match = re.match(r"Exec(?:Start|Condition)=-?\S*/flask --app wsgi (.+)$", line)
            if match:
                found.append(match.group(1).split())
    return found


def test_every_flask_command_the_units_run_exists(runner):
    commands = _flask_commands()
    assert ["jobs", "work"] in commands and ["meals", "sweep"] in commands
    assert ["jobs", "lease", "hourly", "--seconds", "3000"] in commands  # the hourly tasks run on one host
    for command in commands:
        answer = runner.invoke(args=[*command, "--help"])
        assert answer.exit_code == 0, f"flask {' '.join(command)}: {answer.output}"


@pytest.mark.parametrize("name", ["nginx/goodhours.conf"])
def test_the_proxy_buffers_slow_clients_and_serves_static_files(name):
    conf = (DEPLOY / name).read_text()
    for directive in ("proxy_buffering on", "proxy_request_buffering on", "client_body_timeout",
                      "client_header_timeout", "location /static/", "gzip on", "X-Forwarded-Proto"):
        assert directive in conf, directive
    assert "X-Forwarded-Host" not in conf  # the site never trusts it (SITE_URL builds every link)
