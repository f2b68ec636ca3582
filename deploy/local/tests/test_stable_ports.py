"""`make run` serves each service on its docker-compose port, and says so when it has to use another one."""

from __future__ import annotations

import contextlib
import socket

from tdi_localstack.ports import STABLE_PORTS, stable_port


def test_the_services_have_the_same_stable_ports_as_docker_compose():
    from tdi_localstack.paths import repo_root

    compose = (repo_root() / "docker-compose.yml").read_text(encoding="utf-8")
    assert sorted(STABLE_PORTS.values()) == [8001, 8002, 8003, 8004, 8005]
    for service, port in STABLE_PORTS.items():
        # Published on loopback, the host port overridable: "127.0.0.1:${TDI_FUNDING_PORT:-8003}:8000".
        assert f'"127.0.0.1:${{TDI_{service.upper()}_PORT:-{port}}}:8000"' in compose


def test_a_taken_stable_port_falls_back_to_a_free_one_and_says_so():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as holder:
        holder.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 0)
        with contextlib.suppress(OSError):  # something else holding it already exercises the fallback all the same
            holder.bind(("127.0.0.1", STABLE_PORTS["funding"]))
        holder.listen()
        port, fell_back = stable_port("funding")
    assert fell_back is True
    assert port != STABLE_PORTS["funding"]
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", port))  # the fallback port was really free
