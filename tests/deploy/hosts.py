"""Start the site's processes as separate hosts would run them: gunicorn with deploy/gunicorn.conf.py, and the
`flask jobs work` loop, against one database and one Redis, each writing its output to a file."""
from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Host:
    """One process of the site (a web server or a worker loop), in a process group of its own (gunicorn's
    workers with it), and the file its output goes to."""

    def __init__(self, name: str, args: list[str], env: dict[str, str], logs: Path) -> None:
        self.name = name
        self.log = logs / f"{name}.log"
        with self.log.open("wb") as out:
            self.process = subprocess.Popen(args, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                                            stdin=subprocess.DEVNULL, start_new_session=True)

    @property
    def output(self) -> str:
        return self.log.read_text(errors="replace")


def stop(*hosts: Host) -> None:
    """Stop the hosts at once, as a machine that goes away would (nothing here needs a graceful stop)."""
    for host in hosts:
        if host.process.poll() is None:
            os.killpg(host.process.pid, signal.SIGKILL)
        host.process.wait()


def web(name: str, env: dict[str, str], logs: Path) -> tuple[Host, str]:
    """Start gunicorn as deploy/ configures it, with one worker, on a free port; return it and its address."""
    port = free_port()
    # no control socket: two servers on one machine would share its one path
    host = Host(name, [str(ROOT / ".venv/bin/gunicorn"), "-c", str(ROOT / "deploy/gunicorn.conf.py"),
                       "--no-control-socket", "wsgi:app"],
                {**env, "GUNICORN_WORKERS": "1", "GUNICORN_THREADS": "2", "GUNICORN_BIND": f"127.0.0.1:{port}"}, logs)
    return host, f"http://127.0.0.1:{port}"


def loop(name: str, env: dict[str, str], logs: Path, every: float) -> Host:
    """Start `flask jobs work` (it stops by itself after a minute at most, should the test die)."""
    rounds = str(int(60 / every))
    return Host(name, [str(ROOT / ".venv/bin/flask"), "--app", "wsgi", "jobs", "work", "--every", str(every),
                       "--rounds", rounds], env, logs)


def wait_until(ready, hosts: list[Host], timeout: float = 40) -> None:
    """Wait for `ready()` to be true, failing with the hosts' output if one exits or time runs out."""
    deadline = time.monotonic() + timeout
    while not ready():
        for host in hosts:
            assert host.process.poll() is None, f"{host.name} exited:\n{host.output[-3000:]}"
        assert time.monotonic() < deadline, "not ready in time:\n" + "\n".join(
            f"--- {host.name}\n{host.output[-2000:]}" for host in hosts)
        time.sleep(0.1)


def answers(address: str) -> bool:
    try:
        return requests.get(f"{address}/healthz", timeout=10).status_code == 200
    except requests.RequestException:  # not listening yet
        return False


def csrf_token(browser: requests.Session, address: str, path: str = "/auth/login") -> str:
    page = browser.get(address + path, timeout=10).text
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or re.search(
        r'name="csrf_token" value="([^"]+)"', page)
    assert match, f"no CSRF token on {address}{path}"
    return match.group(1)


def environment(**settings: str) -> dict[str, str]:
    """This environment with `settings`, unbuffered so each line reaches the log as it is written."""
    return {**os.environ, "PYTHONUNBUFFERED": "1", **settings}
