"""A real redis-server (and redis-sentinel) process on loopback, for tests. Plain Python, no odoo."""

import os
import shutil
import socket
import subprocess
import tempfile
import time


def free_port():
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until(predicate, timeout=10.0, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise TimeoutError(f"timed out waiting for {what}")


def _answers_ping(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


class RedisServer:
    """One redis-server process on its own port and directory; ``stop()`` / ``start()`` to simulate outages.

    ``replica_of`` (host, port) starts it as a replica; ``sentinel=True`` starts redis-sentinel instead,
    monitoring ``monitor`` = (master_name, host, port).
    """

    def __init__(self, port=None, replica_of=None, sentinel=False, monitor=None):
        self.port = port or free_port()
        self.replica_of = replica_of
        self.sentinel = sentinel
        self.monitor = monitor
        self.dir = tempfile.mkdtemp(prefix="l10n_cl_ai_redis_")
        self.process = None

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/0"

    def _command(self):
        if self.sentinel:
            name, host, port = self.monitor
            conf = os.path.join(self.dir, "sentinel.conf")
            with open(conf, "w", encoding="utf-8") as handle:
                handle.write(
                    f"port {self.port}\nbind 127.0.0.1\ndir {self.dir}\n"
                    f"sentinel monitor {name} {host} {port} 1\n"
                    f"sentinel down-after-milliseconds {name} 1000\n"
                    f"sentinel failover-timeout {name} 3000\n"
                    f"sentinel parallel-syncs {name} 1\n"
                )
            binary = shutil.which("redis-sentinel") or shutil.which("redis-server")
            args = [binary, conf]
            if binary.endswith("redis-server"):
                args.append("--sentinel")
            return args
        args = [
            shutil.which("redis-server"),
            "--bind",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--dir",
            self.dir,
            "--save",
            "",
            "--appendonly",
            "no",
        ]
        if self.replica_of:
            args += ["--replicaof", self.replica_of[0], str(self.replica_of[1])]
        return args

    def start(self):
        if self.process and self.process.poll() is None:
            return self
        self.process = subprocess.Popen(  # noqa: S603 - fixed binary, test-only
            self._command(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        _wait_until(lambda: _answers_ping(self.port), what=f"redis on port {self.port}")
        return self

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        _wait_until(lambda: not _answers_ping(self.port), what=f"redis on port {self.port} to stop")

    def close(self):
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.close()
