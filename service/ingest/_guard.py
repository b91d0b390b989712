"""The SSRF guard: which URLs the service may fetch on a caller's behalf, and where to connect.

A caller who can make the service fetch a URL can point it at the service's own network:
Redis on 127.0.0.1, an admin port on 10.x, the cloud metadata endpoint at 169.254.169.254
(which hands out credentials). So only http and https are fetched, URLs with userinfo are
refused (`http://good.example@10.0.0.1/` reads as one host and is another), and every
address a host resolves to must be a public unicast address: loopback, private (RFC 1918,
fc00::/7), link-local (169.254/16, fe80::/10), unspecified, multicast, reserved, shared
(100.64/10, carrier-grade NAT) and site-local addresses are refused, also when embedded in
IPv6 (IPv4-mapped ::ffff:a.b.c.d, NAT64 64:ff9b::/96, 6to4, Teredo). ANY bad address refuses
the host: the caller does not choose which address the connection gets. Hosts in `allow_hosts`
(an operator's own feeds, tests on loopback) skip the address check, not the scheme check.

DNS rebinding (a name that resolves to a public address when checked and to 127.0.0.1 when
connected) is closed by connecting to the very address that was checked: fetch.py rewrites
the request URL's host to that IP, sends the original name as the Host header and as the TLS
`sni_hostname` extension (httpcore uses it for SNI and certificate verification). No second
lookup happens. Each redirect hop goes through this check again.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable

import httpx

from service.errors import FetchFailed

Resolver = Callable[[str, int], Awaitable[list[str]]]
"""(host, port) → the addresses it resolves to, as strings."""

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

SCHEMES = frozenset({"http", "https"})
_SHARED = ipaddress.ip_network("100.64.0.0/10")
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


async def system_resolver(host: str, port: int) -> list[str]:
    """The addresses the system resolver gives for `host`, in its order, without repeats."""
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def _embedded(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address carries (mapped, NAT64, 6to4, Teredo), if any."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip in _NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]
    return None


def refusal(ip: IPAddress) -> str | None:
    """Why the service may not connect to `ip`, or None for a public unicast address."""
    if isinstance(ip, ipaddress.IPv6Address) and (inner := _embedded(ip)) is not None:
        reason = refusal(inner)
        return f"{reason} (embedded in {ip})" if reason else None
    for reason, bad in (
        ("loopback", ip.is_loopback),
        ("unspecified", ip.is_unspecified),
        ("link-local", ip.is_link_local),
        ("multicast", ip.is_multicast),
        ("shared (100.64/10)", isinstance(ip, ipaddress.IPv4Address) and ip in _SHARED),
        ("private", ip.is_private),
        ("reserved", ip.is_reserved),
        ("site-local", isinstance(ip, ipaddress.IPv6Address) and ip.is_site_local),
        ("not global", not ip.is_global),
    ):
        if bad:
            return f"{ip} is {reason}"
    return None


def check_url(url: httpx.URL) -> None:
    """The checks that need no lookup: scheme, userinfo, a host. Raises FetchFailed."""
    if url.scheme not in SCHEMES:
        raise FetchFailed(
            str(url),
            "scheme",
            f"the scheme {url.scheme or '(none)'!r} is not fetched, only http and https",
        )
    if url.userinfo:
        raise FetchFailed(str(url), "blocked", "URLs with a user name or password are refused")
    if not url.host:
        raise FetchFailed(str(url), "blocked", "the URL has no host")


async def checked_addresses(
    url: httpx.URL, resolver: Resolver, allow_hosts: frozenset[str]
) -> list[str] | None:
    """The addresses to connect to for `url`, every one of them checked; None for a host in
    `allow_hosts` (connect as usual). Raises FetchFailed (scheme, blocked or dns)."""
    check_url(url)
    host = url.host.lower().rstrip(".")
    if host in allow_hosts:
        return None
    try:
        literal: IPAddress | None = ipaddress.ip_address(host)
    except ValueError:
        literal = None
    if literal is not None:
        addresses = [str(literal)]
    else:
        port = url.port or (443 if url.scheme == "https" else 80)
        try:
            addresses = await resolver(host, port)
        except (OSError, UnicodeError) as exc:
            raise FetchFailed(str(url), "dns", f"{host} could not be resolved: {exc}") from None
        if not addresses:
            raise FetchFailed(str(url), "dns", f"{host} resolved to no address")
    for address in addresses:
        try:
            ip = ipaddress.ip_address(address.split("%", 1)[0])
        except ValueError:
            raise FetchFailed(str(url), "dns", f"{host} resolved to {address!r}") from None
        reason = refusal(ip)
        if reason is not None:
            named = reason if literal is not None else f"{host} resolves to {reason}"
            raise FetchFailed(str(url), "blocked", f"refused, {named}")
    return addresses
