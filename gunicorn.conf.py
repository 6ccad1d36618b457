"""Gunicorn settings: `gunicorn rustbelt.wsgi` reads this file from the project folder.

Everything that differs between machines comes from the environment (README, "Deploying").
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# The usual 2 x CPUs + 1 workers; the site is database-bound and short requests.
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
# Threaded workers keep connections alive (keepalive below); sync workers close the connection after
# every response, so each request paid a new TCP connection. Measured on the cached article with wrk
# (4 keep-alive connections, 2 workers, back to back, on a machine shared with other jobs): sync
# 1,078 / 3,342 / 707 req/s, gthread with 4 threads 3,563 / 4,393 / 1,749 (2 threads 1,286, 8 threads
# 3,471): threads won every pair. deploy/nginx.conf keeps upstream connections alive too (`keepalive
# 16`), which sync workers ignored. Each thread holds its own database connection (workers x threads).
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "gthread")
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so a slow leak can never take the site down, but rarely: a worker
# restarting under load stalls the requests queued on it (BENCHMARKS.md measured p99 and errors at
# 1,000, 20,000 and off). The jitter (a tenth) keeps workers from restarting together. 0 turns it off.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "20000"))
max_requests_jitter = max_requests // 10
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = os.environ.get("GUNICORN_ERROR_LOG", "-")
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# Behind a proxy on the same host: trust its X-Forwarded-* headers only.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
