"""Which addresses a download (a remote image, a blog's page) may come from, and resolving a
host within a time limit.

A blogger's own server may be on the local network or this machine, so loopback and private
addresses are allowed. Refused: link-local (169.254.0.0/16, fe80::/10: the cloud metadata
endpoints), multicast, unspecified (0.0.0.0/8, ::), reserved and broadcast addresses, the
metadata endpoints outside those (fd00:ec2::254, 100.100.100.200), and any IPv6 form that
embeds a refused IPv4 address (::ffff:169.254.169.254, NAT64, 6to4, Teredo). A host is refused
when any of its addresses is; the connection then goes to an address checked here, never to
a second lookup (no DNS rebinding).
"""

from __future__ import annotations

import ipaddress
import socket
import threading

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
METADATA = {ipaddress.ip_address("fd00:ec2::254"), ipaddress.ip_address("100.100.100.200")}
THIS_NETWORK = ipaddress.ip_network("0.0.0.0/8")
NAT64 = ipaddress.ip_network("64:ff9b::/96")


def refused_because(address: Address) -> str | None:
    """Why a connection to address is refused, or None when it is allowed."""
    if address.version == 6 and address.ipv4_mapped is not None:  # ::ffff:a.b.c.d is a.b.c.d
        return refused_because(address.ipv4_mapped)
    for embedded in embedded_ipv4(address):
        why = refused_because(embedded)
        if why:
            return why
    if address in METADATA:
        return "a cloud metadata endpoint"
    if address.is_link_local:
        return "link-local"
    if address.is_multicast:
        return "multicast"
    if address.is_unspecified or (address.version == 4 and address in THIS_NETWORK):
        return "unspecified"
    if address.is_reserved and not address.is_loopback:
        return "reserved"
    return None


def embedded_ipv4(address: Address) -> list[ipaddress.IPv4Address]:
    """The IPv4 addresses an IPv6 address carries (NAT64, 6to4, Teredo)."""
    if address.version != 6:
        return []
    found = [address.sixtofour]
    if address.teredo:
        found.append(address.teredo[1])
    if address in NAT64:
        found.append(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
    return [a for a in found if a is not None]


def resolve(host: str, port: int, seconds: float) -> list[tuple[int, tuple]] | str:
    """The (family, sockaddr) pairs host:port resolves to, or why not (a message). The lookup
    runs in a daemon thread, abandoned when it outlasts seconds (getaddrinfo has no timeout)."""
    result: dict[str, object] = {}

    def lookup() -> None:
        try:
            result["found"] = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError) as error:
            result["error"] = error

    worker = threading.Thread(target=lookup, name="postbook-dns", daemon=True)
    worker.start()
    worker.join(max(seconds, 0.0))
    if worker.is_alive():
        return "timeout"
    if "error" in result:
        return f"cannot resolve {host!r}: {result['error']}"
    pairs = [(family, sockaddr) for family, _, _, _, sockaddr in result["found"]]  # type: ignore
    return pairs or f"cannot resolve {host!r}"


def checked_addresses(pairs: list[tuple[int, tuple]]) -> list[tuple[int, tuple]] | str:
    """pairs when every address is allowed, else why the host is refused."""
    for _, sockaddr in pairs:
        address = ipaddress.ip_address(sockaddr[0].split("%", 1)[0])
        why = refused_because(address)
        if why:
            return f"{address} is {why}"
    return pairs
