"""Where the cluster's Kafka nodes listen: all on loopback (default), or each in a network namespace of its own.

The namespaces (root and `ip netns` needed) hang off one private bridge on the host: the host is `10.213.X.1`,
node N is `10.213.X.(10+N)` and listens on 9092 (clients), 9093 (controller) and, with TLS, 9094. A partition is
a pair of iptables DROP rules per peer *inside the cut node's namespace*: the host's own rules are never touched,
and the namespaces and bridge go away with `down()` (left-overs of a killed run are removed by the next `up()`).
"""

from __future__ import annotations

import functools
import itertools
import os
import re
import shutil
import subprocess
from typing import Protocol

from tdi_localstack.ports import free_port

_SEQUENCE = itertools.count()
_STALE = re.compile(r"^tdi(\d+)[0-9a-z](br|v\d+)$|^tdi-(\d+)-[0-9a-z]-kafka-\d+$")


class Network(Protocol):
    def host(self, node: int) -> str: ...
    def ports(self, node: int) -> tuple[int, int]: ...
    def tls_port(self, node: int) -> int: ...
    def wrap(self, node: int, argv: list[str]) -> list[str]: ...
    def up(self) -> None: ...
    def down(self) -> None: ...


class LoopbackNetwork:
    """Every node on 127.0.0.1, on free ports."""

    def __init__(self, size: int) -> None:
        self.size = size

    def host(self, node: int) -> str:
        return "127.0.0.1"

    def ports(self, node: int) -> tuple[int, int]:
        return free_port(), free_port()

    def tls_port(self, node: int) -> int:
        return free_port()

    def wrap(self, node: int, argv: list[str]) -> list[str]:
        return argv

    def up(self) -> None:
        return None

    def down(self) -> None:
        return None


def _ip(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["ip", *args], check=check, capture_output=True, text=True)


@functools.cache
def namespaces_available() -> str | None:
    """None when this process may make network namespaces with iptables inside; else the reason it may not."""
    if os.geteuid() != 0:
        return "network namespaces need root"
    for tool in ("ip", "iptables"):
        if shutil.which(tool) is None:
            return f"no `{tool}` command (Debian: apt-get install iproute2 iptables)"
    probe = f"tdi-{os.getpid()}-z-kafka-0"
    try:
        _ip("netns", "add", probe)
        subprocess.run(["ip", "netns", "exec", probe, "iptables", "-L", "-n"], check=True, capture_output=True)
    except (OSError, subprocess.CalledProcessError) as error:
        detail = getattr(error, "stderr", "") or error
        return f"network namespaces or iptables refused here: {str(detail).strip()[:200]}"
    finally:
        _ip("netns", "del", probe, check=False)
    return None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale() -> list[str]:
    """Namespaces and links of ours whose owning process is gone (a run killed before its `down()`)."""
    removed = []
    for name in _ip("netns", "list").stdout.split():
        match = _STALE.match(name)
        if match and match.group(3) and not _alive(int(match.group(3))):
            _ip("netns", "del", name, check=False)
            removed.append(name)
    for line in _ip("-o", "link", "show").stdout.splitlines():
        name = line.split(":")[1].strip().split("@")[0] if ":" in line else ""
        match = _STALE.match(name)
        if match and match.group(1) and not _alive(int(match.group(1))):
            _ip("link", "del", name, check=False)
            removed.append(name)
    return removed


class NamespaceNetwork:
    """One namespace per node on a private bridge; `cut(n, peers)` drops n's traffic with its peers, `mend(n)` heals."""

    def __init__(self, size: int) -> None:
        self.size = size
        tag = "0123456789abcdefghijklmnopqrstuvwxyz"[next(_SEQUENCE) % 36]
        self.prefix = f"tdi{os.getpid()}{tag}"  # interface names are at most 15 characters
        self.netns_prefix = f"tdi-{os.getpid()}-{tag}-kafka-"
        self.subnet = self._free_subnet()
        self.created = False

    @staticmethod
    def _free_subnet() -> str:
        used = _ip("-4", "addr").stdout + _ip("-4", "route").stdout
        start = os.getpid() % 200
        for offset in range(250):
            candidate = f"10.213.{(start + offset) % 250 + 1}"
            if f"{candidate}." not in used:
                return candidate
        raise RuntimeError("no free 10.213.x.0/24 subnet for the cluster's bridge")

    def namespace(self, node: int) -> str:
        return f"{self.netns_prefix}{node}"

    def host(self, node: int) -> str:
        return f"{self.subnet}.{10 + node}"

    def ports(self, node: int) -> tuple[int, int]:
        return 9092, 9093

    def tls_port(self, node: int) -> int:
        return 9094

    def wrap(self, node: int, argv: list[str]) -> list[str]:
        return ["ip", "netns", "exec", self.namespace(node), *argv]

    def up(self) -> None:
        if self.created:
            return
        remove_stale()
        bridge = f"{self.prefix}br"
        _ip("link", "add", bridge, "type", "bridge")
        self.created = True
        _ip("addr", "add", f"{self.subnet}.1/24", "dev", bridge)
        _ip("link", "set", bridge, "up")
        for node in range(1, self.size + 1):
            namespace, veth = self.namespace(node), f"{self.prefix}v{node}"
            _ip("netns", "add", namespace)
            _ip("link", "add", veth, "type", "veth", "peer", "name", "eth0", "netns", namespace)
            _ip("link", "set", veth, "master", bridge, "up")
            _ip("-n", namespace, "addr", "add", f"{self.host(node)}/24", "dev", "eth0")
            _ip("-n", namespace, "link", "set", "eth0", "up")
            _ip("-n", namespace, "link", "set", "lo", "up")

    def _iptables(self, node: int, *args: str) -> None:
        argv = ["ip", "netns", "exec", self.namespace(node), "iptables", *args]
        subprocess.run(argv, check=True, capture_output=True)

    def cut(self, node: int, peers: list[int]) -> None:
        for peer in peers:
            self._iptables(node, "-I", "INPUT", "-s", self.host(peer), "-j", "DROP")
            self._iptables(node, "-I", "OUTPUT", "-d", self.host(peer), "-j", "DROP")

    def mend(self, node: int) -> None:
        self._iptables(node, "-F", "INPUT")
        self._iptables(node, "-F", "OUTPUT")

    def down(self) -> None:
        if not self.created:
            return
        for node in range(1, self.size + 1):
            _ip("netns", "del", self.namespace(node), check=False)  # its veth pair goes with it
        _ip("link", "del", f"{self.prefix}br", check=False)
        self.created = False
