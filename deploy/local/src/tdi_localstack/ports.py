"""Free loopback ports: asked from the kernel, never assumed."""

import socket


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port that is free on `host` right now (bind to port 0 and read what the kernel gave)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


STABLE_PORTS = {"territory": 8001, "actions": 8002, "funding": 8003, "vte": 8004, "reporting": 8005}
"""Where `make run` serves each service, the same host ports as docker-compose.yml, so URLs can be bookmarked."""


def is_free(port: int, host: str = "127.0.0.1") -> bool:
    """True when nothing listens on (or holds) `port` on `host` right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind((host, port))
        except OSError:
            return False
        return True


def stable_port(service: str, host: str = "127.0.0.1") -> tuple[int, bool]:
    """The service's stable port when it is free, else a free one; the flag says whether it fell back."""
    wanted = STABLE_PORTS[service]
    if is_free(wanted, host):
        return wanted, False
    return free_port(host), True
