"""Which hosts, origins and proxies the server believes: the network half of "who may act".

- Host allow-list (against DNS rebinding): a page on `evil.example` whose name is re-pointed at 127.0.0.1 is
  same-origin with our server as far as the browser knows, but its requests still say `Host: evil.example`.
  So a request is served only when its Host names a loopback address, `localhost`, the address the server was
  told to listen on, or a name the operator listed in ALLOWED_HOSTS.
- Origin check: a state-changing request or a chat-socket handshake that a browser sends from another origin
  (another site, or another port on localhost) is refused. Requests without an Origin header come from
  programs, not from pages (browsers always send one on cross-origin POSTs and on WebSocket handshakes).
- Trusted proxies: uvicorn's `forwarded_allow_ips` convention (IPs and CIDR networks), under our own name
  TRUSTED_PROXY_IPS. Only a direct peer in that list may name the user (proxy mode) or the client address
  (X-Forwarded-For, used for login throttling). The app turns uvicorn's own rewriting of the client address off
  (server.configure_or_exit) so that `scope["client"]` is always the direct peer and this is the one place
  that decides.

Pure functions over strings and settings: the ASGI middleware (security.py), the socket.io origin check and the
auth module all ask the same questions here.
"""

from __future__ import annotations

import ipaddress
from typing import Optional
from urllib.parse import urlsplit

from ..settings import Settings

DEFAULT_PORTS = {"http": 80, "https": 443, "ws": 80, "wss": 443}


def split_host(value: str) -> tuple[str, Optional[int]]:
    """`name[:port]` or `[v6][:port]` → (lower-case name without brackets, port or None); ("", None) if malformed."""
    value = (value or "").strip().lower()
    if not value or any(c in value for c in "/\\@ \t"):
        return "", None
    if value.startswith("["):
        end = value.find("]")
        if end == -1:
            return "", None
        name, rest = value[1:end], value[end + 1 :]
        if rest and not rest.startswith(":"):
            return "", None
        port_text = rest[1:] if rest else ""
    else:
        if value.count(":") > 1:  # a bare IPv6 address is not a valid Host header; accept it as a name anyway
            return value, None
        name, _, port_text = value.partition(":")
    if port_text:
        if not port_text.isdigit() or not 0 < int(port_text) < 65536:
            return "", None
        return name, int(port_text)
    return name, None


def is_loopback_name(name: str) -> bool:
    name = (name or "").strip().strip("[]").lower()
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def host_allowed(host_header: Optional[str], settings: Settings, bind_host: Optional[str] = None) -> bool:
    """Whether a request's Host header names us (see the module docstring)."""
    allowed = settings.allowed_host_set
    if "*" in allowed:
        return True
    name, _ = split_host(host_header or "")
    if not name:
        return False
    if is_loopback_name(name) or name in allowed:
        return True
    bind = (bind_host or "").strip().strip("[]").lower()
    return bool(bind) and bind not in ("0.0.0.0", "::") and name == bind


def peer_trusted(peer: Optional[str], settings: Settings) -> bool:
    """Whether the direct peer is one of TRUSTED_PROXY_IPS."""
    if not peer:
        return False
    try:
        address = ipaddress.ip_address(peer)
    except ValueError:
        return False
    return any(address in network for network in settings.trusted_proxy_networks)


def client_address(peer: Optional[str], forwarded_for: Optional[str], settings: Settings) -> str:
    """The client's address: the peer, or, behind trusted proxies, the nearest X-Forwarded-For hop that is not
    itself a trusted proxy (each proxy appends, so the list is read from the right)."""
    peer = peer or "unknown"
    if not forwarded_for or not peer_trusted(peer, settings):
        return peer
    hops = [hop.strip() for hop in forwarded_for.split(",") if hop.strip()]
    for hop in reversed(hops):
        name, _ = split_host(hop)
        if name and not peer_trusted(name, settings):
            return name
    return hops[0] if hops else peer


def origin_allowed(origin: Optional[str], host_header: Optional[str], settings: Settings,
                   forwarded_host: Optional[str] = None) -> bool:
    """Whether a browser Origin is this app's own: the same host and port the request was addressed to (or, from
    a trusted proxy, the X-Forwarded-Host it names), or a host name the operator listed in ALLOWED_HOSTS.
    Loopback names must match the port too: another web app on this machine is exactly who must not get in."""
    if not origin or origin == "null":
        return False
    try:
        parts = urlsplit(origin)
        origin_port = parts.port
    except ValueError:
        return False
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.path not in ("", "/"):
        return False
    name = parts.hostname.lower()
    port = origin_port or DEFAULT_PORTS[parts.scheme]
    allowed = settings.allowed_host_set
    if "*" in allowed or (name in allowed and not is_loopback_name(name)):
        return True
    for candidate in (host_header, forwarded_host):
        if not candidate:
            continue
        host_name, host_port = split_host(candidate.split(",")[0])
        if host_name == name and (host_port or DEFAULT_PORTS[parts.scheme]) == port:
            return True
    return False
