"""`python -m factcheck.healthcheck`: exit 0 if the web server in this container or on this host
answers the sign-in page, 1 if not (the web service's healthcheck in deploy/compose.yaml).

It asks as the TLS proxy would: for the first name in ALLOWED_HOSTS (another name is refused
with a 400 and an error in the log) and with ``X-Forwarded-Proto: https`` (with ``HTTPS=true``
Django would otherwise redirect to https; without it the header is ignored).
"""

from __future__ import annotations

import http.client
import os
import sys

from factcheck.env import EnvError, env_int, env_list


def web_answers(port: int, host: str, timeout: float = 5) -> bool:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(
            "GET", "/accounts/login/", headers={"Host": host, "X-Forwarded-Proto": "https"}
        )
        return conn.getresponse().status == 200
    except OSError:
        return False
    finally:
        conn.close()


def main() -> int:
    try:
        port = env_int(os.environ, "PORT", 8000, minimum=1)
        # A leading dot allows every subdomain in Django; any one of them will do here.
        host = env_list(os.environ, "ALLOWED_HOSTS", ["localhost"])[0].lstrip(".*") or "localhost"
    except EnvError as exc:
        print(exc, file=sys.stderr)
        return 1
    return 0 if web_answers(port, host) else 1


if __name__ == "__main__":
    sys.exit(main())
