"""Pure helpers for report identity: canonical URLs and content hashes."""

from __future__ import annotations

import hashlib
import re
import unicodedata
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
    port = parts.port
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
