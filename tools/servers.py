"""Real servers on loopback ports, for the benchmark and the deployment tests: gunicorn as
`gunicorn.conf.py` configures it, and nginx with `deploy/nginx.conf`."""

import http.client
import os
import re
import resource
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings

from publishing.testing import free_port

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
NGINX_CONF = Path(settings.BASE_DIR) / "deploy" / "nginx.conf"
# The only ${...} names deploy/nginx.conf expects (as `envsubst '<names>'` would fill them).
NGINX_VALUES = {
    "RB_SERVER_NAME",
    "RB_HTTP_LISTEN",
    "RB_HTTPS_LISTEN",
    "RB_TLS_CERTIFICATE",
    "RB_TLS_CERTIFICATE_KEY",
    "RB_UPSTREAM",
    "RB_STATIC_ROOT",
    "RB_MEDIA_ROOT",
    "RB_CACHE_DIR",
    "RB_RUN_DIR",
}


def wait_for(port, path, deadline_seconds, process, connect=None):
    deadline = time.monotonic() + deadline_seconds
    while True:
        try:
            if request(port, path, connect=connect)[0] < 500:  # Up (a redirect to HTTPS counts).
                return
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            output = process.communicate(timeout=10)[1].decode()[-2000:]
            raise RuntimeError(f"{process.args[0]} did not start: {output}")
        time.sleep(0.2)


@contextmanager
def gunicorn(env, workers, access_log=None, extra_args=(), application="rustbelt.wsgi", ready_path="/healthz"):
    """gunicorn with the project's gunicorn.conf.py on a free loopback port; yields the port.

    As deployed, it keeps no access log unless `access_log` names a file.
    """
    port = free_port()
    gunicorn_bin = Path(sys.executable).with_name("gunicorn")
    logging = ["--access-logfile", access_log] if access_log else []
    process = subprocess.Popen(
        [
            str(gunicorn_bin),
            application,
            "-c",
            "gunicorn.conf.py",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            *logging,
            *extra_args,
        ],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        wait_for(port, ready_path, 30, process)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=30)


def render_nginx_conf(values):
    """deploy/nginx.conf with its ${RB_...} values filled in; nginx's own $variables untouched."""
    missing = NGINX_VALUES - set(values)
    if missing:
        raise ValueError(f"deploy/nginx.conf needs {sorted(missing)}")
    return re.sub(r"\$\{(RB_[A-Z_]+)\}", lambda match: str(values[match[1]]), NGINX_CONF.read_text())


def self_signed_certificate(folder, host="localhost"):
    certificate, key = Path(folder) / "cert.pem", Path(folder) / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            f"/CN={host}",
            "-keyout",
            str(key),
            "-out",
            str(certificate),
        ],
        check=True,
        capture_output=True,
    )
    return certificate, key


@contextmanager
def nginx(upstream_port, static_root, media_root, server_name="localhost", http_port=None, https_port=None):
    """Debian's nginx with deploy/nginx.conf in front of gunicorn; yields (http port, https port, run dir).

    The ports are free ones unless given (the site must know its public address before it starts).
    """
    run_dir = Path(tempfile.mkdtemp(prefix="rustbelt-nginx-"))
    # nginx's workers run as an unprivileged user when started by root: let them read and write here.
    run_dir.chmod(0o755)
    cache_dir = run_dir / "cache"
    cache_dir.mkdir(mode=0o777)
    cache_dir.chmod(0o777)
    certificate, key = self_signed_certificate(run_dir, server_name)
    http_port, https_port = http_port or free_port(), https_port or free_port()
    values = {
        "RB_SERVER_NAME": server_name,
        "RB_HTTP_LISTEN": f"127.0.0.1:{http_port}",
        "RB_HTTPS_LISTEN": f"127.0.0.1:{https_port}",
        "RB_TLS_CERTIFICATE": certificate,
        "RB_TLS_CERTIFICATE_KEY": key,
        "RB_UPSTREAM": f"127.0.0.1:{upstream_port}",
        "RB_STATIC_ROOT": static_root,
        "RB_MEDIA_ROOT": media_root,
        "RB_CACHE_DIR": cache_dir,
        "RB_RUN_DIR": run_dir,
    }
    config = run_dir / "nginx.conf"
    config.write_text(render_nginx_conf(values))
    command = [NGINX, "-p", str(run_dir), "-e", str(run_dir / "error.log"), "-c", str(config)]
    if os.geteuid() == 0:
        # The shipped file names no user (the distribution's default applies); here the workers must
        # read the test's temporary folders.
        command += ["-g", "daemon off; user root;"]
    else:
        command += ["-g", "daemon off;"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_for(https_port, "/healthz", 15, process, connect=https_connector(server_name))
        yield http_port, https_port, run_dir
    finally:
        process.terminate()
        process.wait(timeout=15)
        shutil.rmtree(run_dir, ignore_errors=True)


PLAIN_STATIC_CONF = """
worker_processes auto;
pid {run}/nginx.pid;
error_log {run}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 100000;
    client_body_temp_path {run}/client_body;
    proxy_temp_path {run}/proxy;
    fastcgi_temp_path {run}/fastcgi;
    uwsgi_temp_path {run}/uwsgi;
    scgi_temp_path {run}/scgi;
    server {{
        listen 127.0.0.1:{port};
        root {root};
    }}
}}
"""


@contextmanager
def nginx_static(root):
    """nginx at its simplest, plain HTTP, serving a folder: the benchmark's ceiling for static bytes."""
    run_dir = Path(tempfile.mkdtemp(prefix="rustbelt-nginx-static-"))
    run_dir.chmod(0o755)
    port = free_port()
    config = run_dir / "nginx.conf"
    config.write_text(PLAIN_STATIC_CONF.format(run=run_dir, port=port, root=root))
    user = " user root;" if os.geteuid() == 0 else ""
    process = subprocess.Popen(
        [NGINX, "-p", str(run_dir), "-e", str(run_dir / "error.log"), "-c", str(config), "-g", f"daemon off;{user}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        wait_for(port, "/", 15, process)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=15)
        shutil.rmtree(run_dir, ignore_errors=True)


def https_connector(host="localhost"):
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE  # The test's own self-signed certificate.

    def connect(port, timeout=60):
        connection = http.client.HTTPSConnection("127.0.0.1", port, timeout=timeout, context=context)
        connection.host_header = host
        return connection

    return connect


def request(port, path, connection=None, connect=None, headers=None, method="GET"):
    """(status, seconds, response, body) of one request; `connection` keeps it alive between calls."""
    own = connection is None
    if own:
        connection = connect(port) if connect else http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    host = getattr(connection, "host_header", "127.0.0.1")
    started = time.perf_counter()
    connection.request(method, path, headers={"Host": host, **(headers or {})})
    response = connection.getresponse()
    body = response.read()
    elapsed = time.perf_counter() - started
    if own:
        connection.close()
    return response.status, elapsed, response, body


@contextmanager
def slow_connections(https_port, count, address="127.0.0.1"):
    """`count` TLS connections from one address that never finish a request; yields the open sockets.

    Half send headers and promise a body that never comes, half never finish their headers. Like a
    cheap attacker, they resume one TLS 1.2 session (no key exchange each), two at a time: 2,000
    open in a few seconds.
    """
    raise_open_file_limit(count + 1000)
    context = ssl.create_default_context()
    context.check_hostname, context.verify_mode = False, ssl.CERT_NONE  # our own self-signed certificate
    context.maximum_version = ssl.TLSVersion.TLSv1_2

    def connect(session=None):
        return context.wrap_socket(
            socket.create_connection(("127.0.0.1", https_port), timeout=10, source_address=(address, 0)),
            session=session,
        )

    def hold(number, session):
        sock = connect(session)
        if number % 2:
            sock.sendall(b"POST /en/search/ HTTP/1.1\r\nHost: localhost\r\nContent-Length: 100\r\n\r\n")
        else:
            sock.sendall(b"GET /en/ HTTP/1.1\r\nHost: localhost\r\nX-Slow: ")
        return sock

    first = connect()
    session = first.session
    first.close()
    slow = []
    try:
        with ThreadPoolExecutor(2) as pool:
            for sock in pool.map(lambda number: hold(number, session), range(count)):
                slow.append(sock)
        yield slow
    finally:
        for sock in slow:
            sock.close()


def refused_with_429(sockets):
    """How many of these connections nginx has answered with 429 Too Many Requests."""
    refused = 0
    for sock in sockets:
        sock.settimeout(0)  # what has arrived by now: a refusal is sent as soon as the headers are read
        try:
            refused += sock.recv(64).startswith(b"HTTP/1.1 429")
        except (TimeoutError, ssl.SSLError, OSError):
            pass
    return refused


def raise_open_file_limit(wanted):
    """Lift this process's soft limit on open files to `wanted` (the hard limit permitting)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < wanted:
        resource.setrlimit(
            resource.RLIMIT_NOFILE, (wanted if hard == resource.RLIM_INFINITY else min(wanted, hard), hard)
        )
