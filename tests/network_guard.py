"""A guard that refuses and records every network connection beyond this computer.

Used by the privacy tests (tests/test_network.py, tests/app/test_network_app.py): while it is on,
connecting a socket, sending a datagram or looking up a host name anywhere else than this
computer (loopback addresses, ``localhost``, local Unix sockets) fails with ``OSError`` and is
recorded, from any thread.
"""

from __future__ import annotations

import contextlib
import ipaddress
import socket
import threading
from collections.abc import Iterator

__all__ = ["outbound_connections_refused"]

_LOCAL_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback", ""}


def _is_local(address) -> bool:
    if not isinstance(address, tuple):
        return True  # a Unix socket path: this computer
    host = address[0]
    if host is None:
        return True  # this computer's own addresses
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    if str(host).lower() in _LOCAL_NAMES:
        return True
    try:
        return ipaddress.ip_address(str(host).split("%")[0]).is_loopback
    except ValueError:
        return False  # a host name: reaching it needs the network


@contextlib.contextmanager
def outbound_connections_refused(monkeypatch) -> Iterator[list[str]]:
    """Refuse and record every connection, datagram and name look-up beyond this computer.

    Yields the list of attempts (``"connect ('203.0.113.5', 443)"``), filled as they happen.
    """
    attempts: list[str] = []
    lock = threading.Lock()

    def refuse(what: str, address) -> None:
        with lock:
            attempts.append(f"{what} {address!r}")
        raise OSError(f"LeadScore privacy test: no {what} beyond this computer ({address!r})")

    def guarded(method_name: str):
        original = getattr(socket.socket, method_name)

        def method(self, address, *args):
            target = args[-1] if method_name == "sendto" and args else address
            if self.family != socket.AF_UNIX and not _is_local(target):
                refuse(method_name, target)
            return original(self, address, *args)

        return method

    original_getaddrinfo = socket.getaddrinfo

    def getaddrinfo(host, *args, **kwargs):
        if not _is_local((host,)):
            refuse("name look-up", host)
        return original_getaddrinfo(host, *args, **kwargs)

    for name in ("connect", "connect_ex", "sendto"):
        monkeypatch.setattr(socket.socket, name, guarded(name))
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    yield attempts
