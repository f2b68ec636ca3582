"""Where a webhook may be sent: a server on the internet, never one of the platform's own networks (SSRF).

`check_target(url, allowed_hosts)` resolves the host and refuses the URL if any of its addresses is loopback,
link-local, private, unspecified, multicast, reserved or otherwise not global (CGNAT 100.64/10, an IPv4-mapped
IPv6 of any of those), with `WEBHOOK_TARGET_REFUSED` and a French sentence. Every address is checked, because a
client may connect to any of them; the sender then connects to the first one checked (no second lookup, so a DNS
answer that changes in between cannot redirect it). A host named in `allowed_hosts` (exactly, case-insensitive)
skips the address rules and may use http (tests name 127.0.0.1); otherwise only https is accepted.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from tdi_contracts.errors import ErrorCode
from tdi_runtime.errors import DomainError

Resolver = Callable[[str, int], Awaitable[list[str]]]
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class TargetRefusedError(DomainError):
    """`WEBHOOK_TARGET_REFUSED` (422) with the French reason."""

    def __init__(self, reason: str, url: str) -> None:
        super().__init__(ErrorCode.WEBHOOK_TARGET_REFUSED, reason, field="url", value=url)
        self.reason = reason


@dataclass(frozen=True)
class Target:
    url: str
    scheme: str
    host: str
    port: int
    addresses: tuple[str, ...]
    """The addresses checked (empty for an allowed host: connect by name)."""
    allowed: bool


async def system_resolver(host: str, port: int) -> list[str]:
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def refusal_of(address: str) -> str | None:
    """Why this address may not receive a webhook (a French phrase), or None when it is a public address."""
    ip: IPAddress = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip.is_unspecified:
        return "une adresse non spécifiée"
    if ip.is_loopback:
        return "une adresse de bouclage (loopback)"
    if ip.is_link_local:
        return "une adresse locale au lien (link-local)"
    if ip.is_private:
        return "une adresse de réseau privé"
    if ip.is_multicast:
        return "une adresse de multidiffusion"
    if ip.is_reserved or not ip.is_global:
        return "une adresse réservée, non routable sur internet"
    return None


async def check_target(url: str, allowed_hosts: Iterable[str] = (), resolve: Resolver | None = None) -> Target:
    """The checked target of `url`, or `TargetRefusedError` saying why not (in French)."""
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        raise TargetRefusedError("Le port de l'adresse de destination est invalide.", url) from None
    host = (parts.hostname or "").lower()
    if not host or parts.scheme not in ("http", "https"):
        raise TargetRefusedError("L'adresse de destination doit être une URL https:// complète.", url)
    if parts.username or parts.password:
        raise TargetRefusedError("L'adresse de destination ne doit pas contenir d'identifiants.", url)
    port = port or (443 if parts.scheme == "https" else 80)
    allowed = host in {h.lower() for h in allowed_hosts}
    if allowed:
        return Target(url, parts.scheme, host, port, (), True)
    if parts.scheme != "https":
        raise TargetRefusedError("L'adresse de destination doit commencer par https:// (chiffrement obligatoire).", url)
    try:
        addresses = await (resolve or system_resolver)(host, port)
    except (OSError, UnicodeError):
        addresses = []
    if not addresses:
        raise TargetRefusedError(f"L'hôte « {host[:100]} » de l'adresse de destination est introuvable (DNS).", url)
    for address in addresses:
        if (why := refusal_of(address)) is not None:
            raise TargetRefusedError(
                f"L'hôte « {host[:100]} » désigne {why} ({address}) : les webhooks ne partent que vers internet.", url
            )
    return Target(url, parts.scheme, host, port, tuple(addresses), False)
