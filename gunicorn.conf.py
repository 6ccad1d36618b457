"""Gunicorn settings: `gunicorn rustbelt.wsgi` reads this file from the project folder.

Everything that differs between machines comes from the environment (docs/deploying.md).
"""

import gc
import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# The usual 2 x CPUs + 1 workers; the site is database-bound and short requests.
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
# Sync workers. Threaded ones (gthread) keep client connections alive, which looked faster on a busy
# machine, but on a quiet one (BENCHMARKS.md, 2026-11-29; the cached home page, wrk 4 connections,
# 2 workers, 15 s, answered from a page cache in front of Django since removed) sync made 5,936 req/s with p99 1.5 ms against
# gthread's 6,249 req/s with p99 69 ms, and with max_requests 20,000 sync 5,721 / p99 98 ms against
# gthread 3,972 / p99 218 ms. GUNICORN_WORKER_CLASS=gthread and GUNICORN_THREADS choose threads.
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "sync")
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
# The application is imported once, in the master, before the workers fork: a recycled worker starts
# serving at once instead of importing Django first. Under load this cut p99 with max_requests 20,000
# from 355–661 ms to 98–102 ms (same measurement). Nothing opens a connection at import time.
preload_app = os.environ.get("GUNICORN_PRELOAD", "1") not in ("0", "false", "no")
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5
# Request lines up to 8 KB, as nginx in front reads them (large_client_header_buffers): a long
# catalogue URL gets the page, not a 400.
limit_request_line = 8190
# Recycle workers now and then so a slow leak can never take the site down, but rarely: a worker
# restarting under load stalls the requests queued on it (BENCHMARKS.md measured p99 and errors at
# 1,000, 20,000 and off). The jitter (half) keeps workers that share the load evenly from restarting
# together, which left no worker accepting for the length of a restart. 0 turns it off.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "20000"))
max_requests_jitter = max_requests // 2
# No access log by default: nginx in front (deploy/nginx.conf) keeps one, and writing a second line
# per request cost a quarter of gunicorn's throughput on small cached pages (BENCHMARKS.md).
# GUNICORN_ACCESS_LOG=- logs to stdout.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = os.environ.get("GUNICORN_ERROR_LOG", "-")
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# Behind a proxy on the same host: trust its X-Forwarded-* headers only.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")


def when_ready(server):
    # The application is loaded (preload_app) and the workers are about to fork: move everything
    # allocated so far out of the garbage collector's sight, so collections in the workers neither
    # scan it nor touch (and so copy) the pages they share with the master
    # (https://docs.python.org/3/library/gc.html#gc.freeze).
    if server.cfg.preload_app:
        gc.freeze()
