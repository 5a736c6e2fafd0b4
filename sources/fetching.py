"""Fetching URLs from the outside world without letting anyone aim the workers inward.

Every outbound request the workers make (article pages, feeds, webhook deliveries) goes through
``http_request``. A URL is refused unless:

- its scheme is http or https;
- every address its host resolves to is public: not loopback, private, link-local, CGNAT
  (100.64.0.0/10), multicast, reserved, unspecified, nor the cloud metadata address
  (169.254.169.254, fd00:ec2::254), nor an IPv6 form that carries one of those (IPv4-mapped
  ``::ffff:a.b.c.d``, IPv4-compatible ``::a.b.c.d``, 6to4, Teredo, NAT64);
- the socket's peer, once connected, is that same checked address (the connection is made to
  the resolved IP, never to the name again, so a DNS answer that changes between the check
  and the connect, "DNS rebinding", gains nothing). The Host header and TLS SNI still carry
  the name.

Redirects are followed by hand, each one through the same checks. Reads stop at a byte cap,
the whole exchange (every redirect included) at a time cap. A refusal raises ``FetchRefused``
and is logged; any other failure raises ``FetchError``.

Tests serve content from 127.0.0.1: ``settings.FETCH_ALLOW_LOOPBACK_FOR_TESTS`` (True for any
loopback port, or a collection of port numbers) lets loopback through and nothing else. It is
off unless a test sets it.

This module imports nothing from claims (sources is below it).
"""

from __future__ import annotations

import http.client
import ipaddress
import logging
import socket
import ssl
import time
import zlib
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

from django.conf import settings
from django.utils import timezone

logger = logging.getLogger(__name__)

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

DEFAULT_MAX_BYTES = 5 * 1024 * 1024
DEFAULT_TIMEOUT_SECONDS = 20.0
DEFAULT_MAX_REDIRECTS = 5
USER_AGENT = "factcheck-workbench/0.1 (+fact-checking desk fetcher)"
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})

# Not global unicast, or global but best never reached from a worker.
_CGNAT = ipaddress.ip_network("100.64.0.0/10")
_METADATA = frozenset(
    {ipaddress.ip_address("169.254.169.254"), ipaddress.ip_address("fd00:ec2::254")}
)
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


class FetchError(Exception):
    """The URL could not be fetched (network error, bad answer, over a cap)."""


class FetchRefused(FetchError):
    """The URL was refused before any connection: a scheme or an address that is not public."""


@dataclass(frozen=True)
class Fetched:
    url: str  # what was asked for
    final_url: str  # after redirects
    status: int
    headers: Mapping[str, str]
    body: bytes
    fetched_at: datetime = field(default_factory=timezone.now)

    def header(self, name: str) -> str:
        return self.headers.get(name.lower(), "")


def address_refusal(address: IPAddress | str) -> str:
    """Why this address may not be reached ("" when it is public)."""
    ip = ipaddress.ip_address(address) if isinstance(address, str) else address
    if isinstance(ip, ipaddress.IPv6Address):
        # IPv6 forms that carry an IPv4 address are judged by that address.
        embedded = ip.ipv4_mapped or ip.sixtofour
        if embedded is None and ip.teredo is not None:
            embedded = ip.teredo[1]
        if embedded is None and ip in _NAT64:
            embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if embedded is None and int(ip) >> 32 == 0 and int(ip) > 1:
            embedded = ipaddress.IPv4Address(int(ip))  # IPv4-compatible ::a.b.c.d
        if embedded is not None:
            reason = address_refusal(embedded)
            return f"{reason} (as {ip})" if reason else ""
        if ip.scope_id:
            return "a scoped (link-local) address"
    if ip in _METADATA:
        return "the cloud metadata address"
    checks = (
        (ip.is_unspecified, "an unspecified address"),
        (ip.is_loopback, "a loopback address"),
        (ip.is_link_local, "a link-local address"),
        (ip.is_multicast, "a multicast address"),
        (isinstance(ip, ipaddress.IPv4Address) and ip in _CGNAT, "a shared (CGNAT) address"),
        (ip.is_private, "a private address"),
        (ip.is_reserved, "a reserved address"),
        (not ip.is_global, "not a public address"),
    )
    for hit, reason in checks:
        if hit:
            return reason
    return ""


def _loopback_allowed(ip: IPAddress, port: int) -> bool:
    allowed: bool | Collection[int] = getattr(settings, "FETCH_ALLOW_LOOPBACK_FOR_TESTS", False)
    if not allowed:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if not ip.is_loopback:
        return False
    return allowed is True or (not isinstance(allowed, bool) and port in allowed)


def _check_address(url: str, ip: IPAddress, port: int) -> None:
    reason = address_refusal(ip)
    if reason and not _loopback_allowed(ip, port):
        logger.warning("fetch refused: %s resolves to %s, %s", url, ip, reason)
        raise FetchRefused(f"Refused {url}: it resolves to {ip}, {reason}.")


def _resolve(url: str, host: str, port: int) -> list[tuple[int, IPAddress]]:
    """Every address of the host, each checked: one address that is not public refuses the
    URL (a name that answers both is not one to trust)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise FetchError(f"Cannot resolve {host!r}: {exc}") from exc
    addresses: list[tuple[int, IPAddress]] = []
    for family, _type, _proto, _name, sockaddr in infos:
        ip = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
        _check_address(url, ip, port)
        if (family, ip) not in addresses:
            addresses.append((family, ip))
    if not addresses:
        raise FetchError(f"{host!r} has no address.")
    return addresses


def _guarded_connector(
    url: str, addresses: list[tuple[int, IPAddress]], port: int, deadline: float
) -> Any:
    """A replacement for socket.create_connection: connect to the checked addresses only, and
    check the peer the socket actually reached."""

    def connect(_address: Any, timeout: Any = None, source_address: Any = None) -> socket.socket:
        last: OSError | None = None
        for family, ip in addresses:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise FetchError(f"Timed out connecting to {url}.")
            sock = socket.socket(family, socket.SOCK_STREAM)
            try:
                sock.settimeout(remaining)
                sock.connect((str(ip), port))
                peer = ipaddress.ip_address(str(sock.getpeername()[0]).split("%", 1)[0])
                if peer != ip:
                    raise FetchRefused(f"Refused {url}: connected to {peer}, not {ip}.")
                _check_address(url, peer, port)
                return sock
            except FetchError:
                sock.close()
                raise
            except OSError as exc:
                sock.close()
                last = exc
        raise FetchError(f"Cannot connect to {url}: {last}")

    return connect


def _split(url: str) -> tuple[str, str, int, str]:
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise FetchRefused(f"Refused {url!r}: not a valid URL ({exc}).") from exc
    scheme = parts.scheme.lower()
    if scheme not in {"http", "https"}:
        logger.warning("fetch refused: %s (scheme %r)", url, scheme)
        raise FetchRefused(f"Refused {url!r}: only http and https URLs are fetched.")
    host = parts.hostname or ""
    if not host:
        raise FetchRefused(f"Refused {url!r}: no host.")
    if parts.username or parts.password:
        raise FetchRefused(f"Refused {url!r}: credentials in URLs are not sent.")
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return scheme, host, port or (443 if scheme == "https" else 80), path


def http_request(
    url: str,
    *,
    method: str = "GET",
    body: bytes | None = None,
    headers: Mapping[str, str] | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    timeout: float = DEFAULT_TIMEOUT_SECONDS,
    max_redirects: int = DEFAULT_MAX_REDIRECTS,
) -> Fetched:
    """One request through the public-address guard, following at most `max_redirects`
    redirects (each checked again). A redirect turns a POST into a GET only for 301-303, as
    browsers do. Raises FetchRefused or FetchError; any status is returned, 4xx/5xx included."""
    deadline = time.monotonic() + timeout
    current = url
    for _hop in range(max_redirects + 1):
        scheme, host, port, path = _split(current)
        addresses = _resolve(current, host, port)
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise FetchError(f"Timed out fetching {url}.")
        conn: http.client.HTTPConnection
        if scheme == "https":
            conn = http.client.HTTPSConnection(
                host, port, timeout=remaining, context=ssl.create_default_context()
            )
        else:
            conn = http.client.HTTPConnection(host, port, timeout=remaining)
        # http.client connects through this attribute; the name still goes in Host and SNI.
        conn._create_connection = _guarded_connector(current, addresses, port, deadline)  # type: ignore[attr-defined]
        sent = {"User-Agent": USER_AGENT, "Accept-Encoding": "identity", **(headers or {})}
        try:
            conn.request(method, path, body=body, headers=sent)
            _shrink_timeout(conn, deadline)
            response = conn.getresponse()
            location = response.getheader("Location")
            if response.status in REDIRECT_STATUSES and location:
                conn.close()
                current = urljoin(current, location)
                if response.status in {301, 302, 303} and method != "HEAD":
                    method, body = "GET", None
                continue
            data = _read_capped(response, conn, current, max_bytes, deadline)
            data = _decoded(data, response.getheader("Content-Encoding") or "", current, max_bytes)
            return Fetched(
                url=url,
                final_url=current,
                status=response.status,
                headers={k.lower(): v for k, v in response.getheaders()},
                body=data,
            )
        except FetchError:
            raise
        except (OSError, http.client.HTTPException) as exc:
            raise FetchError(f"Fetching {current} failed: {type(exc).__name__}: {exc}") from exc
        finally:
            conn.close()
    raise FetchError(f"Too many redirects from {url} (more than {max_redirects}).")


def _shrink_timeout(conn: http.client.HTTPConnection, deadline: float) -> None:
    """Each blocking socket call waits at most until the deadline, not a whole timeout."""
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise FetchError("Timed out.")
    if conn.sock is not None:
        conn.sock.settimeout(remaining)


def _read_capped(
    response: http.client.HTTPResponse,
    conn: http.client.HTTPConnection,
    url: str,
    max_bytes: int,
    deadline: float,
) -> bytes:
    length = response.getheader("Content-Length")
    if length and length.isdigit() and int(length) > max_bytes:
        raise FetchError(f"{url} is {length} bytes, over the {max_bytes}-byte cap.")
    chunks: list[bytes] = []
    total = 0
    while True:
        if time.monotonic() > deadline:
            raise FetchError(f"Timed out reading {url}.")
        _shrink_timeout(conn, deadline)
        # read1: one recv at most, so a server that drips bytes meets the deadline check.
        chunk = response.read1(min(65536, max_bytes + 1 - total))
        if not chunk:
            return b"".join(chunks)
        total += len(chunk)
        if total > max_bytes:
            raise FetchError(f"{url} is over the {max_bytes}-byte cap.")
        chunks.append(chunk)


def _decoded(data: bytes, encoding: str, url: str, max_bytes: int) -> bytes:
    """Undo a gzip or deflate encoding that a server sent despite Accept-Encoding: identity,
    within the same byte cap (a small compressed body may unpack to gigabytes)."""
    encoding = encoding.strip().lower()
    if encoding in {"", "identity"}:
        return data
    if encoding not in {"gzip", "x-gzip", "deflate"}:
        raise FetchError(f"{url} came in an encoding this fetcher does not read: {encoding}.")
    # 47: gzip or zlib header, detected; -15 for a raw deflate stream that some servers send.
    for wbits in (47, -15):
        unpacker = zlib.decompressobj(wbits)
        try:
            out = unpacker.decompress(data, max_bytes + 1)
        except zlib.error:
            continue
        if len(out) > max_bytes:
            raise FetchError(f"{url} unpacks to more than the {max_bytes}-byte cap.")
        return out
    raise FetchError(f"{url} is not valid {encoding} data.")


def fetch(url: str, *, headers: Mapping[str, str] | None = None) -> Fetched:
    """GET with the configured caps (FETCH_MAX_BYTES, FETCH_TIMEOUT_SECONDS,
    FETCH_MAX_REDIRECTS)."""
    return http_request(
        url,
        headers=headers,
        max_bytes=settings.FETCH_MAX_BYTES,
        timeout=settings.FETCH_TIMEOUT_SECONDS,
        max_redirects=settings.FETCH_MAX_REDIRECTS,
    )


def literal_address_refusal(url: str) -> str:
    """For a form: a URL whose scheme is refused raises FetchRefused; one whose host is an IP
    literal that is not public says why. Names are judged when a request resolves them."""
    _scheme, host, _port, _path = _split(url)
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return ""
    return address_refusal(ip)
