"""The public-address guard (sources.fetching): each refusal proven with a canary listener on
127.0.0.1 that must receive no connection, and the caps on redirects, size and time."""

from __future__ import annotations

import ipaddress
import socket
import time

import pytest

from sources.fetching import FetchError, FetchRefused, address_refusal, fetch, http_request
from tests.local_http import Answer, canary, local_server


@pytest.fixture(autouse=True)
def _guard_on(settings):
    settings.FETCH_ALLOW_LOOPBACK_FOR_TESTS = False


def refused_without_contact(url: str, listener) -> FetchRefused:
    with pytest.raises(FetchRefused) as caught:
        fetch(url)
    time.sleep(0.3)  # the canary polls its listening sockets every 0.1 s
    assert listener.connections == 0, f"{url} reached the canary"
    return caught.value


@pytest.mark.parametrize(
    "template",
    [
        "http://127.0.0.1:{port}/",
        "http://localhost:{port}/",
        "http://[::1]:{port}/",
        "http://[::ffff:127.0.0.1]:{port}/",
        "http://2130706433:{port}/",  # 127.0.0.1 as one decimal number
        "http://0177.0.0.1:{port}/",  # octal
        "http://0x7f.1:{port}/",  # hexadecimal, short form
        "http://127.1:{port}/",
        "https://127.0.0.1:{port}/",
        "http://0.0.0.0:{port}/",
    ],
)
def test_loopback_in_every_spelling_is_refused_before_any_connection(template, caplog):
    with canary() as listener:
        url = template.format(port=listener.port)
        error = refused_without_contact(url, listener)
    assert "Refused" in str(error)
    assert any("fetch refused" in r.getMessage() for r in caplog.records), "refusals are logged"


def test_a_name_that_resolves_to_loopback_is_refused(monkeypatch):
    real = socket.getaddrinfo

    def resolver(host, *args, **kwargs):
        # The remote world's DNS: this public-looking name answers with loopback.
        if host == "rebind.example.com":
            return real("127.0.0.1", *args, **kwargs)
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", resolver)
    with canary() as listener:
        error = refused_without_contact(f"http://rebind.example.com:{listener.port}/", listener)
    assert "127.0.0.1" in str(error) and "loopback" in str(error)


def test_a_name_with_one_private_answer_among_public_ones_is_refused(monkeypatch):
    def resolver(host, port, *args, **kwargs):
        return [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", port)),
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.5", port)),
        ]

    monkeypatch.setattr(socket, "getaddrinfo", resolver)
    with pytest.raises(FetchRefused, match="private"):
        fetch("http://mixed.example.com/")


def test_a_redirect_from_an_allowed_server_to_the_canary_is_refused(settings):
    with canary() as listener, local_server() as server:
        settings.FETCH_ALLOW_LOOPBACK_FOR_TESTS = (server.port,)  # this server only
        server.routes["/go"] = Answer(
            302, headers={"Location": f"http://127.0.0.1:{listener.port}/"}
        )
        server.routes["/ok"] = Answer(200, b"fine")
        assert fetch(server.url("/ok")).body == b"fine"
        refused_without_contact(server.url("/go"), listener)
        # The same with a name for the canary, and with the decimal form.
        server.routes["/go2"] = Answer(
            301, headers={"Location": f"http://localhost:{listener.port}/x"}
        )
        refused_without_contact(server.url("/go2"), listener)
        server.routes["/go3"] = Answer(
            307, headers={"Location": f"http://2130706433:{listener.port}/"}
        )
        refused_without_contact(server.url("/go3"), listener)


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "ftp://example.com/",
        "gopher://127.0.0.1/",
        "http://user:pw@example.com/",
    ],
)
def test_other_schemes_and_credentials_are_refused(url):
    with pytest.raises(FetchRefused):
        fetch(url)


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",
        "169.254.1.1",
        "100.64.0.1",
        "100.127.255.254",
        "224.0.0.1",
        "240.0.0.1",
        "0.0.0.0",
        "255.255.255.255",
        "::1",
        "::",
        "fe80::1",
        "fc00::1",
        "fd00:ec2::254",
        "ff02::1",
        "::ffff:10.0.0.1",
        "::ffff:169.254.169.254",
        "::127.0.0.1",
        "2002:7f00:1::",
        "64:ff9b::a00:1",
        "192.0.2.1",
        "198.18.0.1",
    ],
)
def test_addresses_that_are_not_public(address):
    assert address_refusal(ipaddress.ip_address(address)), address


@pytest.mark.parametrize(
    "address", ["93.184.216.34", "1.1.1.1", "2606:4700:4700::1111", "::ffff:1.1.1.1"]
)
def test_public_addresses(address):
    assert address_refusal(address) == ""


def test_the_metadata_address_is_named():
    assert address_refusal("169.254.169.254") == "the cloud metadata address"
    assert address_refusal("fd00:ec2::254") == "the cloud metadata address"


def test_the_relaxation_lets_loopback_through_and_nothing_else(settings, monkeypatch):
    settings.FETCH_ALLOW_LOOPBACK_FOR_TESTS = True
    with local_server() as server:
        server.routes["/"] = Answer(200, b"hello", {"ETag": '"v1"'})
        got = fetch(server.url("/"))
        assert (got.status, got.body, got.header("etag")) == (200, b"hello", '"v1"')
        assert server.requests[0].headers["host"] == f"127.0.0.1:{server.port}"
    monkeypatch.setattr(
        socket,
        "getaddrinfo",
        lambda host, port, *a, **k: [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.1", port))
        ],
    )
    with pytest.raises(FetchRefused, match="private"):
        fetch("http://intranet.example.com/")


def test_caps_on_redirects_size_and_time(settings):
    settings.FETCH_ALLOW_LOOPBACK_FOR_TESTS = True
    with local_server() as server:
        server.routes["/loop"] = Answer(302, headers={"Location": "/loop"})
        with pytest.raises(FetchError, match="Too many redirects"):
            http_request(server.url("/loop"), max_redirects=3)
        assert len(server.requests) == 4
        server.routes["/big"] = Answer(200, b"x" * 5000)
        with pytest.raises(FetchError, match="cap"):
            http_request(server.url("/big"), max_bytes=1000)

        def slow(request):
            time.sleep(2)
            return Answer(200, b"late")

        server.routes["/slow"] = slow
        started = time.monotonic()
        with pytest.raises(FetchError):
            http_request(server.url("/slow"), timeout=0.5)
        assert time.monotonic() - started < 1.8


def test_a_host_that_does_not_resolve_is_an_error_not_a_refusal(monkeypatch):
    def resolver(*args, **kwargs):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", resolver)
    with pytest.raises(FetchError) as caught:
        fetch("http://nowhere.invalid/")
    assert not isinstance(caught.value, FetchRefused)


def test_a_server_that_drips_its_body_meets_the_total_time_cap(settings):
    settings.FETCH_ALLOW_LOOPBACK_FOR_TESTS = True
    import threading

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    port = listener.getsockname()[1]
    stop = threading.Event()

    def drip():
        conn, _ = listener.accept()
        conn.recv(4096)
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n")
        while not stop.is_set():
            try:
                conn.sendall(b"x")
            except OSError:
                break
            time.sleep(0.1)
        conn.close()

    thread = threading.Thread(target=drip, daemon=True)
    thread.start()
    started = time.monotonic()
    try:
        with pytest.raises(FetchError, match=r"(?i)timed out"):
            http_request(f"http://127.0.0.1:{port}/", timeout=1.0)
        assert time.monotonic() - started < 2.5
    finally:
        stop.set()
        thread.join(timeout=5)
        listener.close()


def test_a_compressed_answer_is_unpacked_within_the_cap(settings):
    import gzip

    settings.FETCH_ALLOW_LOOPBACK_FOR_TESTS = True
    with local_server() as server:
        server.routes["/gz"] = Answer(
            200, gzip.compress(b"hello " * 100), {"Content-Encoding": "gzip"}
        )
        assert fetch(server.url("/gz")).body == b"hello " * 100
        bomb = gzip.compress(b"\0" * 10_000_000)  # about 10 kB that unpacks to 10 MB
        server.routes["/bomb"] = Answer(200, bomb, {"Content-Encoding": "gzip"})
        with pytest.raises(FetchError, match="unpacks to more than"):
            http_request(server.url("/bomb"), max_bytes=100_000)
