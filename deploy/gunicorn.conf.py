"""gunicorn settings for Goodhours behind nginx: `gunicorn -c deploy/gunicorn.conf.py wsgi:app`.

Threaded workers (gthread), sized from the CPU count: a request waiting on PostgreSQL or Redis frees its CPU
for another thread, and nginx buffers slow clients, so a worker thread never waits on a phone's slow upload
or download. Each value can be changed with the environment variable named beside it.
"""
import multiprocessing
import os

cpus = multiprocessing.cpu_count()

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")  # nginx in front; never exposed directly
worker_class = "gthread"
workers = int(os.environ.get("GUNICORN_WORKERS", 2 * cpus + 1))
threads = int(os.environ.get("GUNICORN_THREADS", 4))
# a request may take this long (a big spreadsheet export); past it the worker is replaced and the error logged
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 60))
graceful_timeout = 30  # on restart, requests in flight get this long to finish
keepalive = 5  # nginx keeps connections to gunicorn open this long (seconds)
max_requests = 2000  # recycle a worker now and then, so no slow leak can grow without bound
max_requests_jitter = 200  # …not all workers at the same moment
backlog = 2048  # connections waiting for a worker at a giving-day peak
# trust X-Forwarded-* from the proxy on this host only; the app's own ProxyFix (PROXY_HOPS) reads them
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = "-"  # to the journal (systemd) or the terminal
errorlog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%({x-request-id}o)s"'
preload_app = False  # each worker builds its app: a restart picks up new code, and no connection is shared
