"""Gunicorn's configuration for the web process:

    gunicorn -c python:factcheck.gunicorn_conf factcheck.wsgi:application

Sizes and timeouts come from the environment (read through ``factcheck.env``, so a malformed
value stops start-up naming the variable); logs go to stdout and stderr for the process
supervisor or container runtime to collect.
"""

from __future__ import annotations

import gc
import os
import sys

from factcheck.env import EnvError, env_int, env_str

try:
    # Where to listen: behind a reverse proxy that terminates TLS (README, HTTPS).
    bind = [
        f"{env_str(os.environ, 'HOST', '0.0.0.0')}:{env_int(os.environ, 'PORT', 8000, minimum=1)}"
    ]
    # Processes, and threads in each. The desk's pages wait on the database more than they
    # compute, so a few threads per process serve more editors for the same memory. Processes
    # default to gunicorn's usual 2 x cores + 1, counting the cores this process may run on (a
    # container's cpuset), and at most 9: on a big shared host, dozens of copies of the
    # application would cost memory for no gain.
    _cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    workers = env_int(os.environ, "WEB_CONCURRENCY", min(2 * (_cores or 1) + 1, 9), minimum=1)
    threads = env_int(os.environ, "WEB_THREADS", 4, minimum=1)
    # A request still running after this many seconds has its worker restarted (the pages and
    # the API answer in well under a second; only a stuck database gets here).
    timeout = env_int(os.environ, "WEB_TIMEOUT", 30, minimum=1)
    # On SIGTERM, requests in flight get this long to finish.
    graceful_timeout = env_int(os.environ, "WEB_GRACEFUL_TIMEOUT", 30, minimum=1)
    # Behind a proxy keeping connections open to this server.
    keepalive = env_int(os.environ, "WEB_KEEPALIVE", 5, minimum=0)
    # Recycle each process after this many requests (jittered so they do not all restart
    # together), which bounds the memory a long-running process can accumulate; 0 turns it off.
    max_requests = env_int(os.environ, "WEB_MAX_REQUESTS", 1000, minimum=0)
    max_requests_jitter = max(1, max_requests // 10) if max_requests else 0
except EnvError as exc:
    sys.exit(str(exc))

# Load the application once in the master before forking: a configuration error (an unset
# SECRET_KEY, factcheck.serving) stops the server at once with its message instead of every
# worker failing to boot in turn, and the workers share the loaded code's memory.
preload_app = True


def pre_fork(server: object, worker: object) -> None:
    """Freeze what the master has loaded (Django, the URL conf, the models) before each fork.
    The cyclic garbage collector then leaves those objects alone in the workers: a full
    collection scans only what requests created (on the API's reports list, a full pass over
    every object of the loaded application added tens of milliseconds to one request in ten,
    docs/benchmarks.md, Pages), and the collector's bookkeeping does not copy the shared pages
    into each worker."""
    gc.freeze()

# Access log to stdout, errors to stderr, with the time each request took (microseconds, %D).
accesslog = "-"
errorlog = "-"
loglevel = env_str(os.environ, "WEB_LOG_LEVEL", "info")
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(D)sus "%(f)s" "%(a)s"'

# The worker heartbeat file in memory: a container's /tmp can be a slow overlay filesystem,
# which makes healthy workers look stuck.
if os.path.isdir("/dev/shm"):
    worker_tmp_dir = "/dev/shm"

# No control socket (gunicorn 27's `gunicornc`): this deployment does not use it, and every
# server on a host would otherwise share one path under $HOME. Older gunicorns ignore the name.
control_socket_disable = True
