"""The SSRF guard: which addresses an outbound webhook may reach."""

from __future__ import annotations

import pytest

from postventa.core import netguard


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "127.8.9.10",
        "10.0.0.1",
        "172.16.5.4",
        "192.168.0.1",
        "169.254.169.254",  # cloud metadata
        "0.0.0.0",
        "100.64.0.1",  # carrier-grade NAT
        "224.0.0.1",
        "240.0.0.1",
        "255.255.255.255",
        "::1",
        "::",
        "fe80::1",
        "fc00::1",
        "ff02::1",
        "::ffff:127.0.0.1",  # IPv4-mapped loopback
        "::ffff:10.0.0.1",
        "::ffff:169.254.169.254",
        "2002:7f00:1::1",  # 6to4 wrapping 127.0.0.1
        "64:ff9b::a00:1",  # NAT64 wrapping 10.0.0.1
    ],
)
def test_non_public_addresses_are_refused(address):
    assert netguard.address_problem(address) is not None
    url_host = f"[{address}]" if ":" in address else address
    with pytest.raises(netguard.Refused):
        netguard.check_url(f"http://{url_host}/hook", allow_private=False)


@pytest.mark.parametrize("address", ["93.184.215.14", "8.8.8.8", "2606:4700:4700::1111", "::ffff:8.8.8.8"])
def test_public_addresses_pass(address):
    assert netguard.address_problem(address) is None
    url_host = f"[{address}]" if ":" in address else address
    target = netguard.check_url(f"https://{url_host}:8443/a/b?c=1", allow_private=False)
    assert target.addresses == (address,)
    assert target.port == 8443
    assert target.path == "/a/b?c=1"
    assert target.scheme == "https"


def test_allowance_lets_private_targets_through():
    target = netguard.check_url("http://127.0.0.1:9000/x", allow_private=True)
    assert target.addresses == ("127.0.0.1",)


def test_localhost_name_is_refused():
    # resolves through the system resolver (/etc/hosts), no network needed
    with pytest.raises(netguard.Refused):
        netguard.check_url("http://localhost/", allow_private=False)


@pytest.mark.parametrize(
    "url",
    [
        "ftp://example.com/",
        "file:///etc/passwd",
        "http://",
        "https://user:pw@example.com/",
        "javascript:x",
        "",
    ],
)
def test_bad_urls_are_refused(url):
    with pytest.raises(netguard.Refused):
        netguard.parse_url(url)


def test_default_ports():
    assert netguard.parse_url("http://example.com")[2:] == (80, "/")
    assert netguard.parse_url("https://example.com")[2] == 443


def test_non_ascii_paths_are_encoded_for_the_request_line():
    assert (
        netguard.parse_url("https://example.com/recepción?q=año&x=1")[3] == "/recepci%C3%B3n?q=a%C3%B1o&x=1"
    )
