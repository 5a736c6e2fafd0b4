"""Pure helpers for reports: identity (canonical URLs, content hashes) and what a report's URL and
publication time may be."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# Parameters that identify a click, not a document: two URLs differing only in these are one report.
TRACKING_PARAMS = re.compile(r"^(utm_\w+|fbclid|gclid|mc_cid|mc_eid|ref|cmpid|ocid)$", re.I)
_WHITESPACE = re.compile(r"\s+")


def canonical_url(url: str) -> str:
    """Lower-case scheme and host, drop default ports, fragments, tracking parameters and a
    trailing slash, sort the query: the same article reached by different links gets one key."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if host.startswith("www."):
        host = host[4:]
    if ":" in host:
        host = f"[{host}]"  # an IPv6 literal keeps its brackets, or the port would merge in
    port = parts.port  # ValueError for a port outside 0-65535: callers validate URLs first
    netloc = (
        host
        if port is None or (scheme, port) in {("http", 80), ("https", 443)}
        else f"{host}:{port}"
    )
    query = urlencode(
        sorted((k, v) for k, v in parse_qsl(parts.query) if not TRACKING_PARAMS.match(k))
    )
    path = parts.path.rstrip("/") or "/"
    return urlunsplit((scheme, netloc, path, query, ""))


def normalise_body(body: str) -> str:
    text = unicodedata.normalize("NFKC", body)
    return _WHITESPACE.sub(" ", text).strip().lower()


def content_hash(body: str) -> str:
    """SHA-256 of the body with case, Unicode forms and whitespace normalised, so a re-sent copy
    with different line breaks is recognised as the same report."""
    return hashlib.sha256(normalise_body(body).encode("utf-8")).hexdigest()


def url_host(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower()
    return host[4:] if host.startswith("www.") else host


def url_problem(url: str) -> str | None:
    """Why `url` cannot be stored as a report's address, or None: a port outside 0-65535 or a
    host missing."""
    try:
        parts = urlsplit(url.strip())
        parts.port  # noqa: B018 -- raises ValueError when out of range
    except ValueError as exc:
        return f"Not a usable URL: {exc}."
    if not parts.hostname:
        return "Not a usable URL: it has no host."
    return None


def names_an_outlet(url: str) -> bool:
    """Whether the URL's host can name a publisher: a domain, not an IP address."""
    host = url_host(url)
    if not host or ":" in host:
        return False
    return not host.replace(".", "").isdigit()


# A report's publication time must be a real one: not before the first wire services, not more
# than a day ahead (a clock or time-zone slip), never year 9999.
EARLIEST_PUBLISHED = datetime(1900, 1, 1, tzinfo=UTC)
PUBLISHED_AHEAD = timedelta(days=1)


def published_at_problem(value: datetime, now: datetime) -> str | None:
    """Why `value` cannot be a report's publication time, or None."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    if EARLIEST_PUBLISHED <= value <= now + PUBLISHED_AHEAD:
        return None
    return "Give a publication time between 1900 and today (UTC)."
