"""``jsm server check exporter``: natscli's exporter config served as Prometheus metrics."""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from typing import TYPE_CHECKING

import anyio
from prometheus_client.parser import text_string_to_metric_families

import jsm
from tests.cli.sheet import Process

if TYPE_CHECKING:
    from pathlib import Path

    from jsm.testing import NatsServer
    from tests.cli.conftest import Cli


def _bound_port(text: str) -> int | None:
    """The port the exporter says it serves on (it picks one for ``--port 0``)."""
    match = re.search(r"serving /metrics on 127\.0\.0\.1:(\d+)", text)
    return int(match.group(1)) if match else None


def _scrape(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as reply:
            return str(reply.read().decode())
    except (urllib.error.URLError, ConnectionError):
        return None


async def test_the_exporter_serves_each_check_until_ctrl_c(
    nats_server: NatsServer, js: jsm.Manager, unique_name: str, tmp_path: Path
) -> None:
    await js.streams.add(jsm.StreamConfig(name=unique_name, subjects=[f"{unique_name}.>"]))
    config = tmp_path / "checks.yaml"
    config.write_text(
        "checks:\n"
        f"  - {{name: orders, kind: stream, properties: {{stream_name: {unique_name}}}}}\n"
        "  - {name: missing, kind: stream, properties: {stream_name: NOT_THERE}}\n"
    )
    process = Process(
        ["-s", nats_server.client_url, "server", "check", "exporter", "--config", str(config),
         "--host", "127.0.0.1", "--port", "0"]
    )  # fmt: skip
    try:
        text = None
        with anyio.fail_after(60):
            while (port := _bound_port(process.text)) is None:
                assert process.proc.poll() is None, "".join(process.err)
                await anyio.sleep(0.1)
            while text is None:
                assert process.proc.poll() is None, "".join(process.err)
                text = await anyio.to_thread.run_sync(_scrape, f"http://127.0.0.1:{port}/metrics")
                if text is None:
                    await anyio.sleep(0.1)
        samples = {
            (sample.labels.get("item"), sample.labels.get("status")): sample.value
            for family in text_string_to_metric_families(text)
            if family.name == "nats_server_check_stream_status_code"
            for sample in family.samples
        }
        assert samples[("orders", "OK")] == 0
        assert samples[("missing", "CRITICAL")] == 2
        assert await process.interrupt() == 0
    finally:
        process.kill()
    assert "serving /metrics on 127.0.0.1" in process.text


async def test_a_bad_exporter_config_is_one_line(cli: Cli, tmp_path: Path) -> None:
    config = tmp_path / "checks.yaml"
    config.write_text("checks:\n  - {name: x, kind: nonsense}\n")
    result = await cli.fails("server", "check", "exporter", "--config", str(config))
    assert "--config" in result.err and "nonsense" in result.err
    assert len(result.err.strip().splitlines()) == 1
    result = await cli.fails(
        "server", "check", "exporter", "--config", str(config), "--https-key", "k.pem"
    )
    assert "--https-certificate and --https-key go together" in result.err
