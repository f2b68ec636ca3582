"""Exit 0 when the broker answers an ApiVersions request on its plaintext port (TDI_KAFKA_PROBE_PORT, 9092).

A Python probe instead of kafka-broker-api-versions.sh: a second JVM every few seconds is too heavy.
"""

import os
import socket
import struct
import sys


def answers(port: int) -> bool:
    client = b"tdi-probe"
    body = struct.pack(">hhih", 18, 0, 1, len(client)) + client
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=4) as sock:
            sock.sendall(struct.pack(">i", len(body)) + body)
            header = b""
            while len(header) < 10:
                chunk = sock.recv(10 - len(header))
                if not chunk:
                    return False
                header += chunk
    except OSError:
        return False
    _size, correlation, error = struct.unpack(">iih", header)
    return correlation == 1 and error == 0


if __name__ == "__main__":
    sys.exit(0 if answers(int(os.environ.get("TDI_KAFKA_PROBE_PORT", "9092"))) else 1)
