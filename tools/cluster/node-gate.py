#!/usr/bin/env python3
"""The node gate: the Docker engine's socket, for the node server alone (docs/cluster.md).

A Swarm service cannot run with the host's users, and the node server's root is the engine's
remapped root: it may not open the engine's socket, and nothing should let every remapped root
open it (a candidate who broke out of a box is one). So this gate, run by root on the node beside
the engine, listens on a socket anyone may connect to, and relays a connection to the engine only
when the process that made it is in a container of the node server's service: it asks the kernel
for that process (a pidfd, so a pid reused meanwhile is not taken for it), reads the process's
control group (which a container's processes cannot leave), and asks the engine whose container
that is. Everyone else's connection is closed at once, and written in the log.

Python, not Node: Node gives no way to ask a Unix socket who is at its other end.
"""
import argparse
import http.client
import json
import os
import re
import signal
import socket
import sys
import threading

SO_PEERPIDFD = 77  # Linux 6.5; Python 3.11 has no name for it
CONTAINER_ID = re.compile(r"/(?:docker-)?([0-9a-f]{64})(?:\.scope)?$")


class EngineConnection(http.client.HTTPConnection):
    def __init__(self, path):
        super().__init__("localhost", timeout=10)
        self.path = path

    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(10)
        self.sock.connect(self.path)


def service_of(engine, container_id):
    """The Swarm service of a container of this node's engine; None for any other container."""
    connection = EngineConnection(engine)
    try:
        connection.request("GET", f"/containers/{container_id}/json")
        response = connection.getresponse()
        if response.status != 200:
            return None
        labels = json.loads(response.read()).get("Config", {}).get("Labels") or {}
        return labels.get("com.docker.swarm.service.name")
    finally:
        connection.close()


def peer_container(client):
    """The container id of the process at the other end of `client`, or why there is none."""
    try:
        pidfd = int.from_bytes(client.getsockopt(socket.SOL_SOCKET, SO_PEERPIDFD, 4), sys.byteorder)
    except OSError as error:
        return None, f"no pidfd for the peer ({error.strerror})"
    try:
        with open(f"/proc/self/fdinfo/{pidfd}") as info:
            pid = next((int(line.split()[1]) for line in info if line.startswith("Pid:")), -1)
        if pid <= 0:
            return None, "the peer has exited"
        with open(f"/proc/{pid}/cgroup") as groups:
            paths = [line.rstrip("\n").split(":", 2)[2] for line in groups]
        # The pid is the peer's only while its pidfd still names a live process.
        signal.pidfd_send_signal(pidfd, 0)
    except (OSError, StopIteration, ValueError):
        return None, "the peer has exited"
    finally:
        os.close(pidfd)
    ids = {match.group(1) for match in map(CONTAINER_ID.search, paths) if match}
    if len(ids) != 1:
        return None, f"pid {pid} is in no container"
    return ids.pop(), f"pid {pid}"


def pipe(source, sink):
    try:
        while data := source.recv(65536):
            sink.sendall(data)
    except OSError:
        pass
    finally:
        try:
            sink.shutdown(socket.SHUT_WR)
        except OSError:
            pass


def serve_one(client, options, allowed, log):
    with client:
        container, who = peer_container(client)
        service = None
        if container:
            if container not in allowed:
                service = service_of(options.engine, container)
                if service == options.service:
                    allowed.add(container)
            else:
                service = options.service
        if service != options.service:
            where = f" (container {container[:12]}, service {service or 'none'})" if container else ""
            log(f"refused {who}{where}")
            return
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as engine:
            try:
                engine.connect(options.engine)
            except OSError as error:
                log(f"the engine at {options.engine} does not answer: {error.strerror}")
                return
            back = threading.Thread(target=pipe, args=(engine, client), daemon=True)
            back.start()
            pipe(client, engine)
            back.join()


def main():
    parser = argparse.ArgumentParser(description="Relay the Docker engine's socket to the node server's containers only.")
    parser.add_argument("--listen", required=True, help="the gate's socket, e.g. /run/interview-env/node-gate/docker.sock")
    parser.add_argument("--engine", default="/var/run/docker.sock", help="the engine's own socket")
    parser.add_argument("--service", default="interview-env-node-server", help="the Swarm service let through")
    options = parser.parse_args()

    def log(line):
        print(f"node-gate: {line}", file=sys.stderr, flush=True)

    os.makedirs(os.path.dirname(options.listen), mode=0o755, exist_ok=True)
    try:
        os.unlink(options.listen)
    except FileNotFoundError:
        pass
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(options.listen)
    # Anyone may connect: who is let through is decided per connection.
    os.chmod(options.listen, 0o666)
    server.listen(128)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    log(f"listening on {options.listen}, for service {options.service}, to {options.engine}")
    allowed = set()
    while True:
        client, _ = server.accept()
        threading.Thread(target=serve_one, args=(client, options, allowed, log), daemon=True).start()


if __name__ == "__main__":
    main()
