"""gunicorn's own ceiling, for the benchmark: the cached page's bytes from memory, with nothing else.

`manage.py benchmark --compare` serves this beside the site with the same gunicorn.conf.py, so the
report can say how much of the gap to nginx is the site's and how much is gunicorn's (a Python sync
worker, one connection per request). The bytes come from the file named by RUSTBELT_CEILING_BODY.
"""

import os
from pathlib import Path

BODY = Path(os.environ["RUSTBELT_CEILING_BODY"]).read_bytes()
HEADERS = [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(BODY)))]


def application(environ, start_response):
    start_response("200 OK", list(HEADERS))
    return [BODY]
