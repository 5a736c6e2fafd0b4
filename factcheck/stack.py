"""`make run`: migrate, load the demo, then run the web server and a real Celery worker (with
beat) side by side until Ctrl-C, which stops both.

Broker: REDIS_URL when set; else a Redis answering on localhost (unless EMBEDDED_BROKER=1);
else the embedded file broker, which needs no server.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from types import FrameType

from claims.demo.story import USERS
from factcheck.worker import CeleryWorker

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def redis_answers(host: str = "127.0.0.1", port: int = 6379) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5) as conn:
            conn.sendall(b"PING\r\n")
            return conn.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def manage(*args: str, env: dict[str, str]) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True)


def wait_for_worker(env: dict[str, str], timeout: float = 60) -> bool:
    """Send a heartbeat task through the broker and wait for the worker to write its row."""
    probe = (
        "import django,sys,time;django.setup();"
        "from django.utils import timezone;from claims.models import WorkerHeartbeat;"
        "from claims.tasks import record_heartbeat;"
        "t0=timezone.now();record_heartbeat.delay();end=time.monotonic()+float(sys.argv[1])\n"
        "while time.monotonic()<end:\n"
        "    if WorkerHeartbeat.objects.filter(last_seen__gte=t0).exists(): sys.exit(0)\n"
        "    time.sleep(0.3)\n"
        "sys.exit(1)"
    )
    env = {**env, "DJANGO_SETTINGS_MODULE": "factcheck.settings"}
    return subprocess.run([PYTHON, "-c", probe, str(timeout)], cwd=ROOT, env=env).returncode == 0


def main() -> int:
    # The worker launcher reads the queue names from these settings.
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
    env = dict(os.environ)
    env["PYTHONUNBUFFERED"] = "1"
    # The one-command laptop form: the development key is allowed here (factcheck.serving).
    env.setdefault("FACTCHECK_LAPTOP", "true")
    if not env.get("REDIS_URL") and env.get("EMBEDDED_BROKER") != "1" and redis_answers():
        env["REDIS_URL"] = "redis://127.0.0.1:6379/0"
    broker = env.get("REDIS_URL") or "embedded file broker (var/broker)"
    host = env.get("HOST", "127.0.0.1")
    port = env.get("PORT", "8000")

    manage("migrate", "--noinput", env=env)
    manage("load_demo", env=env)

    stopping = False

    def stop(signum: int, frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True

    # The worker runs in its own process group, so Ctrl-C reaches it only through this process.
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, stop)

    web = subprocess.Popen(
        [PYTHON, "manage.py", "runserver", f"{host}:{port}", "--noreload"], cwd=ROOT, env=env
    )
    # The project's one worker launcher: every queue in settings, beat embedded, output here.
    worker = CeleryWorker(env=env, concurrency=2, beat=True)
    worker.start()

    answered = wait_for_worker(env)
    print(
        "\n"
        f"  Factcheck workbench: http://{host}:{port}/  (admin panel: http://{host}:{port}/admin/)\n"
        f"  Broker: {broker}; worker {'answered' if answered else 'DID NOT answer within 60 s'}\n"
        + "".join(f"  Login as {u.role:<13} {u.username} / {u.password}\n" for u in USERS)
        + "  Editors and admins then give a second factor: a code from an authenticator app\n"
        + "  holding their key, or a backup code (each works once; `make run` restores them):\n"
        + "".join(
            f"    {u.username:<8} key {u.authenticator_secret}  backup codes "
            f"{', '.join(u.backup_codes)}\n"
            for u in USERS
            if u.authenticator_secret
        )
        + "  Ctrl-C stops the web server and the worker.\n",
        flush=True,
    )
    try:
        while not stopping and web.poll() is None and worker.running():
            time.sleep(0.5)
    finally:
        if web.poll() is None:
            web.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 20
        worker.stop(timeout=20)  # warm shutdown: running tasks finish
        try:
            web.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            web.kill()
    return 0 if stopping else 1


if __name__ == "__main__":
    sys.exit(main())
