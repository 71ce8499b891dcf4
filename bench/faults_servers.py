"""What `faults.py` runs beside the load: a local SMTP sink that keeps every message, gunicorn and
RQ worker processes (each in its own process group, so a kill or the cleanup reaches its children)."""
from __future__ import annotations

import os
import signal
import socket
import socketserver
import subprocess
import sys
import threading
import time
from pathlib import Path

BIN = Path(sys.executable).parent  # gunicorn, rq and flask of the interpreter running the bench


class _SmtpHandler(socketserver.StreamRequestHandler):
    """Just enough SMTP for smtplib: every message is written to the sink's folder as it arrives."""

    def _say(self, line: str) -> None:
        self.wfile.write((line + "\r\n").encode())

    def handle(self) -> None:
        self._say("220 faults-sink ESMTP")
        recipients: list[str] = []
        while True:
            raw = self.rfile.readline()
            if not raw:
                return
            verb = raw[:4].decode("ascii", "replace").upper()
            if verb == "EHLO":
                self.wfile.write(b"250-faults-sink\r\n250 8BITMIME\r\n")
            elif verb == "HELO":
                self._say("250 faults-sink")
            elif verb == "MAIL":
                recipients = []
                self._say("250 OK")
            elif verb == "RCPT":
                recipients.append(raw.decode("utf-8", "replace").split(":", 1)[1].strip().strip("<>"))
                self._say("250 OK")
            elif verb == "DATA":
                self._say("354 End data with <CR><LF>.<CR><LF>")
                lines = []
                while True:
                    line = self.rfile.readline()
                    if not line or line in (b".\r\n", b".\n"):
                        break
                    lines.append(line[1:] if line.startswith(b"..") else line)
                self.server.keep(recipients, b"".join(lines))  # type: ignore[attr-defined]
                self._say("250 OK: kept")
            elif verb == "QUIT":
                self._say("221 Bye")
                return
            else:  # RSET, NOOP and anything else
                self._say("250 OK")


class MailSink(socketserver.ThreadingTCPServer):
    """An SMTP server on 127.0.0.1 that writes message N to `folder/N.eml` (recipients in X-Sink-To)."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, folder: Path):
        super().__init__(("127.0.0.1", 0), _SmtpHandler)
        self.folder = folder
        self.count = 0
        self._lock = threading.Lock()
        folder.mkdir(parents=True, exist_ok=True)

    @property
    def port(self) -> int:
        return self.server_address[1]

    def keep(self, recipients: list[str], message: bytes) -> None:
        with self._lock:
            self.count += 1
            number = self.count
        header = ("X-Sink-To: " + ", ".join(recipients) + "\r\n").encode()
        (self.folder / f"{number:06d}.eml").write_bytes(header + message)

    def start(self) -> MailSink:
        threading.Thread(target=self.serve_forever, daemon=True, name="mail sink").start()
        return self


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Group:
    """A child process started in its own session; `kill` reaches every process of its group."""

    def __init__(self, name: str, argv: list[str], env: dict, cwd: Path, log: Path):
        self.name, self.argv, self.env, self.cwd, self.log = name, argv, env, cwd, log
        self.proc: subprocess.Popen | None = None

    def start(self) -> Group:
        out = open(self.log, "ab")  # noqa: SIM115  (the child holds it; closed with the group)
        self.proc = subprocess.Popen(self.argv, cwd=self.cwd, env=self.env, stdout=out, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        out.close()
        return self

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def kill(self, sig: int = signal.SIGKILL) -> None:
        """Send `sig` to the group and to every descendant: RQ puts its work-horse in a group of its own."""
        if self.proc is None:
            return
        for pid in descendants(self.proc.pid):
            try:
                os.kill(pid, sig)
            except ProcessLookupError:
                pass
        try:
            os.killpg(self.proc.pid, sig)
        except ProcessLookupError:
            pass

    def stop(self, wait: float = 15) -> None:
        """Ask the group to stop, then kill what is left after `wait` seconds."""
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.kill(signal.SIGTERM)
            try:
                self.proc.wait(wait)
            except subprocess.TimeoutExpired:
                pass
        self.kill(signal.SIGKILL)  # stragglers of the group, even when the leader has gone
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            pass


def descendants(pid: int) -> list[int]:
    """Return the pids of a process's children, grandchildren and so on (from /proc)."""
    found, todo = [], [pid]
    while todo:
        parent = todo.pop()
        for task in Path(f"/proc/{parent}/task").glob("*"):
            try:
                children = [int(p) for p in (task / "children").read_text().split()]
            except OSError:
                continue
            found += children
            todo += children
    return found


def gunicorn(env: dict, cwd: Path, log: Path, port: int, workers: int, threads: int) -> Group:
    argv = [str(BIN / "gunicorn"), "-w", str(workers), "-k", "gthread", "--threads", str(threads),
            "-b", f"127.0.0.1:{port}", "--timeout", "120", "--graceful-timeout", "5", "--no-control-socket", "wsgi:app"]
    return Group("gunicorn", argv, env, cwd, log).start()


def rq_worker(env: dict, cwd: Path, log: Path, name: str) -> Group:
    argv = [str(BIN / "rq"), "worker", "--url", env["REDIS_URL"], "--with-scheduler", "--name", name,
            "--path", str(cwd), "default"]
    return Group(name, argv, env, cwd, log).start()


def jobs_loop(env: dict, cwd: Path, log: Path) -> Group:
    """The deployment's own loop (`flask jobs work`): outbox delivery and the sweep of stuck jobs."""
    argv = [str(BIN / "flask"), "--app", "wsgi", "jobs", "work"]
    return Group("jobs-work", argv, env, cwd, log).start()


def gunicorn_workers(master: Group) -> list[int]:
    """Return the pids of the gunicorn master's worker processes."""
    try:
        text = Path(f"/proc/{master.pid}/task/{master.pid}/children").read_text()
    except OSError:
        return []
    return [int(pid) for pid in text.split()]


def rq_current_job(redis, name: str) -> str:
    """Return what the named RQ worker is running ("" when idle or unknown): the job's first argument,
    which for `marketplace.platform.jobs.run` is the dotted path of the job."""
    from rq import Worker

    try:
        worker = Worker.find_by_key(Worker.redis_worker_namespace_prefix + name, connection=redis)
        job = worker.get_current_job() if worker is not None else None
        return str(job.args[0]) if job is not None and job.args else ""
    except Exception:  # noqa: BLE001  (a worker between jobs, or an RQ that words it otherwise)
        return ""


def wait_for_http(url: str, seconds: float) -> bool:
    import requests

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if requests.get(url, timeout=2).status_code == 200:
                return True
        except requests.RequestException:
            pass
        time.sleep(0.3)
    return False
