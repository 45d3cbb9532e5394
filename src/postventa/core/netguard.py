"""Guard outbound requests to addresses chosen by users (webhooks) against SSRF.

A webhook URL is typed by an integrator; without this check it could point the worker at the
cloud metadata service (169.254.169.254), the database, or an admin page on localhost. We resolve
the host once, refuse every address that is not public, and then connect to exactly the address
we checked (see `webhooks._open`), so a DNS answer that changes between check and connect
(rebinding) cannot slip past.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

from django.utils.translation import gettext as _


class Refused(Exception):
    """The target may not be contacted; `reason` says why, in the active language."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    path: str  # path + query, ready for the request line
    addresses: tuple[str, ...]


IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def _unwrap(ip: IPAddress) -> IPAddress:
    """The IPv4 address hidden inside an IPv4-mapped or 6to4/NAT64-style IPv6 address, if any."""
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return ip.ipv4_mapped
        if ip.sixtofour is not None:
            return ip.sixtofour
        if ip in ipaddress.ip_network("64:ff9b::/96"):
            return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return ip


def address_problem(address: str) -> str | None:
    """Why `address` (a literal IP) is not a public unicast address, or None when it is."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return _("%(address)s is not an IP address.") % {"address": address}
    # A wrapped IPv4 address is judged by itself: the wrapping ranges are "reserved" in IPv6 terms.
    candidate = _unwrap(ip)
    if candidate.is_unspecified:
        return _("%(address)s is an unspecified address.") % {"address": address}
    if candidate.is_loopback:
        return _("%(address)s is a loopback address.") % {"address": address}
    if candidate.is_link_local:
        return _("%(address)s is a link-local address.") % {"address": address}
    if candidate.is_multicast:
        return _("%(address)s is a multicast address.") % {"address": address}
    if candidate.is_private:
        return _("%(address)s is a private network address.") % {"address": address}
    if candidate.is_reserved:
        return _("%(address)s is a reserved address.") % {"address": address}
    if not candidate.is_global:
        # Shared address space (100.64.0.0/10), benchmarking ranges and the like.
        return _("%(address)s is not a public address.") % {"address": address}
    return None


def parse_url(url: str) -> tuple[str, str, int, str]:
    """(scheme, host, port, path) of an http(s) URL; raises Refused when it is not one."""
    try:
        parts = urlsplit((url or "").strip())
        port = parts.port
    except ValueError:
        raise Refused(_("The URL is not valid."))
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise Refused(_("Only http and https URLs are allowed."))
    host = (parts.hostname or "").strip()
    if not host:
        raise Refused(_("The URL has no host."))
    if parts.username or parts.password:
        raise Refused(_("Put credentials in the signing secret, not in the URL."))
    # Percent-encode anything outside ASCII, so the request line can always be written.
    path = quote(parts.path or "/", safe="/%:@!$&'()*+,;=-._~")
    if parts.query:
        path = f"{path}?{quote(parts.query, safe='/%:@!$&()*+,;=-._~?')}"
    return scheme, host, port or (443 if scheme == "https" else 80), path


def resolve(host: str, port: int) -> tuple[str, ...]:
    """Every address `host` resolves to (a literal IP resolves to itself, with no DNS query)."""
    try:
        ipaddress.ip_address(host)
        return (host,)
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, OSError) as exc:
        raise Refused(_("The host %(host)s could not be resolved: %(error)s") % {"host": host, "error": exc})
    addresses: list[str] = []
    for info in infos:
        address = str(info[4][0])
        if address not in addresses:
            addresses.append(address)
    if not addresses:
        raise Refused(_("The host %(host)s has no addresses.") % {"host": host})
    return tuple(addresses)


def check_url(url: str, *, allow_private: bool) -> Target:
    """Resolve `url` and return the target to connect to; raise Refused if it must not be contacted.

    Every resolved address must be public (not only the first), otherwise a host with one public
    and one private record could be used to reach the private one.
    """
    scheme, host, port, path = parse_url(url)
    addresses = resolve(host, port)
    if not allow_private:
        for address in addresses:
            problem = address_problem(address)
            if problem:
                raise Refused(problem)
    return Target(scheme=scheme, host=host, port=port, path=path, addresses=addresses)
