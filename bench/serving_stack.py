"""The documented serving stack for `serving.py`, started the way deploy/ describes it: nginx with
deploy/nginx/goodhours.conf (rendered for a temporary prefix and free ports), gunicorn with
deploy/gunicorn.conf.py, the RQ worker and the worker loop; and wrk to load it."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import faults_servers as servers

ROOT = Path(__file__).resolve().parent.parent
SITE_CONF = ROOT / "deploy" / "nginx" / "goodhours.conf"
GUNICORN_CONF = ROOT / "deploy" / "gunicorn.conf.py"
MIME_TYPES = Path("/etc/nginx/mime.types")  # Debian's, as the packaged nginx.conf includes it


class ConfigShapeError(RuntimeError):
    """deploy/nginx/goodhours.conf no longer has a line the bench rewrites: update `render_site`."""


def _once(pattern: str, replacement: str, text: str) -> str:
    changed, count = re.subn(pattern, lambda _match: replacement, text, flags=re.MULTILINE | re.DOTALL)
    if count != 1:
        raise ConfigShapeError(f"expected one match of {pattern!r} in {SITE_CONF.name}, found {count}")
    return changed


def render_site(text: str, *, listen: int, upstream: int, static: Path, limits: bool = False) -> str:
    """Return the site config with plain HTTP on 127.0.0.1:`listen` instead of TLS on 443 (no certificate
    here), gunicorn on `upstream` and the static files of `static`; everything else as deployed. Unless
    `limits`, the per-address limits are raised: every bench client comes from 127.0.0.1, which in
    production would be a thousand phones."""
    text = _once(r"^server \{\s*listen 80;.*?^\}\n", "", text)  # the redirect to HTTPS
    text = _once(r"listen 443 ssl http2;", f"listen 127.0.0.1:{listen};", text)
    text = _once(r"^\s*ssl_certificate .*?;\n\s*ssl_certificate_key .*?;\n", "", text)
    text = _once(r"server 127\.0\.0\.1:8000 ", f"server 127.0.0.1:{upstream} ", text)
    text = _once(r"alias /srv/goodhours/static/;", f"alias {static}/;", text)
    if not limits:
        text = _once(r"rate=20r/s", "rate=100000r/s", text)
        text = _once(r"limit_conn goodhours_conn 20;", "limit_conn goodhours_conn 60000;", text)
    return text


def render_main(site: str, prefix: Path) -> str:
    """Return a whole nginx.conf around the site (Debian's main settings), every path under `prefix`."""
    temp = "\n".join(f"    {kind}_temp_path {prefix / kind};" for kind in ("client_body", "proxy", "fastcgi",
                                                                            "uwsgi", "scgi"))
    return f"""# rendered by bench/serving_stack.py from {SITE_CONF.relative_to(ROOT)}
worker_processes auto;
daemon off;
pid {prefix / 'nginx.pid'};
error_log {prefix / 'error.log'} warn;
events {{
    worker_connections 4096;
}}
http {{
    sendfile on;
    tcp_nopush on;
    types_hash_max_size 2048;
    include {MIME_TYPES};
    default_type application/octet-stream;
    access_log {prefix / 'access.log'};
{temp}

{site}
}}
"""


def write_nginx_conf(prefix: Path, *, listen: int, upstream: int, limits: bool = False) -> Path:
    """Render deploy/nginx/goodhours.conf into `prefix`/nginx.conf; return its path."""
    prefix.mkdir(parents=True, exist_ok=True)
    prefix.chmod(0o755)  # nginx's workers run as nobody when the master is root
    site = render_site(SITE_CONF.read_text(), listen=listen, upstream=upstream, static=ROOT / "static",
                       limits=limits)
    conf = prefix / "nginx.conf"
    conf.write_text(render_main(site, prefix))
    return conf


def nginx_binary() -> str | None:
    return shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if Path(p).exists()), None)


def nginx_check(conf: Path) -> subprocess.CompletedProcess:
    """`nginx -t` on a rendered config (the answer is on stderr)."""
    prefix = conf.parent
    return subprocess.run([nginx_binary() or "nginx", "-t", "-q", "-p", str(prefix), "-e",
                           str(prefix / "error.log"), "-c", str(conf)], capture_output=True, text=True)


def nginx(conf: Path, log: Path) -> servers.Group:
    prefix = conf.parent
    argv = [nginx_binary() or "nginx", "-p", str(prefix), "-e", str(prefix / "error.log"), "-c", str(conf)]
    return servers.Group("nginx", argv, {"PATH": "/usr/sbin:/usr/bin:/bin"}, ROOT, log).start()


def gunicorn(env: dict, port: int, log: Path, options: tuple = ()) -> servers.Group:
    """gunicorn as goodhours-web.service runs it: `gunicorn -c deploy/gunicorn.conf.py wsgi:app` (without the
    control socket, whose one path under $HOME other gunicorns on this machine would share)."""
    argv = [str(servers.BIN / "gunicorn"), "-c", str(GUNICORN_CONF), "--no-control-socket", *options, "wsgi:app"]
    return servers.Group("gunicorn", argv, env | {"GUNICORN_BIND": f"127.0.0.1:{port}"}, ROOT, log).start()


@dataclass
class Load:
    """What wrk measured."""

    requests: int
    seconds: float
    per_second: float
    p50_ms: float | None
    p99_ms: float | None
    errors: int  # connect, read, write and timeout errors
    non_2xx: int
    raw: str

    def line(self) -> str:
        p50 = f"{self.p50_ms:.1f} ms" if self.p50_ms is not None else "-"
        p99 = f"{self.p99_ms:.1f} ms" if self.p99_ms is not None else "-"
        return (f"{self.per_second:8.1f} req/s  ({self.requests:,} in {self.seconds:.1f} s; p50 {p50}, p99 {p99}; "
                f"socket errors {self.errors}, non-2xx {self.non_2xx})")


def _ms(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]


def wrk(url: str, seconds: int, connections: int, threads: int, script: Path | None = None,
        script_args: tuple = (), headers: tuple = ()) -> Load:
    """Load `url` with wrk at a fixed concurrency for a fixed time; return what it printed, parsed."""
    argv = ["wrk", "-t", str(min(threads, connections)), "-c", str(connections), "-d", f"{seconds}s",
            "--timeout", "10s", "--latency"]
    for header in headers:
        argv += ["-H", header]
    if script is not None:
        argv += ["-s", str(script)]
    argv.append(url)
    if script_args:
        argv += ["--", *map(str, script_args)]
    out = subprocess.run(argv, capture_output=True, text=True, timeout=seconds + 60).stdout
    total = re.search(r"(\d+) requests in ([\d.]+)(us|ms|s|m)", out)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    p50 = re.search(r"^\s+50%\s+(\S+)", out, re.MULTILINE)
    p99 = re.search(r"^\s+99%\s+(\S+)", out, re.MULTILINE)
    if total is None:
        raise RuntimeError(f"wrk printed no total:\n{out}")
    requests = int(total.group(1))
    span = _ms(total.group(2) + total.group(3)) / 1000
    return Load(requests=requests, seconds=span, per_second=requests / span if span else 0.0,
                p50_ms=_ms(p50.group(1)) if p50 and requests else None,
                p99_ms=_ms(p99.group(1)) if p99 and requests else None,
                errors=sum(map(int, errors.groups())) if errors else 0,
                non_2xx=int(non_2xx.group(1)) if non_2xx else 0, raw=out)


def cpu_seconds(group: servers.Group) -> float:
    """CPU seconds used so far by a group's processes and the children they reaped (RQ's work-horses)."""
    if group.proc is None:
        return 0.0
    total = 0
    for pid in [group.pid, *servers.descendants(group.pid)]:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += sum(int(v) for v in fields[11:15])  # utime, stime, cutime, cstime
    return total / os.sysconf("SC_CLK_TCK")


def sync_gunicorn(env: dict, port: int, log: Path, workers: int = 4) -> servers.Group:
    """gunicorn as the issue measured it before the serving stack: `gunicorn -w 4 wsgi:app` (sync workers)."""
    argv = [str(servers.BIN / "gunicorn"), "-w", str(workers), "-b", f"127.0.0.1:{port}", "--no-control-socket",
            "wsgi:app"]
    return servers.Group("gunicorn-sync", argv, env, ROOT, log).start()
