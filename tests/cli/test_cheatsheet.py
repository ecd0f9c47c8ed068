"""The whole JetStream cheat-sheet, with ``nats`` replaced by ``jsm``, in order.

The first line (``--replicas 3``) and the ``str info -j`` after it run on a 3-node
cluster; the rest on a single server (and again through a JetStream domain, an
imported API prefix and a natscli context file). Every line's effect is checked on
the server through the library.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from tests.cli.conftest import Cli
from tests.cli.sheet import YEAR, Names, run_sheet
from tests.cli.test_natscli_parity import _STREAM_BASE, STREAM_CASES, _comparable, _server_config

if TYPE_CHECKING:
    from pathlib import Path

    import jsm
    from jsm.testing import Cluster, HubAndLeaf, ImportingAccounts, NatsServer

FIRST_LINE = [
    "str", "add", "ORDERS", "--subjects", "ORDERS.*", "--ack", "--max-msgs=-1",
    "--max-bytes=-1", "--max-age=1y", "--storage", "file", "--retention", "limits",
    "--max-msg-size=-1", "--discard=old", "--replicas", "3", "--dupe-window=2m",
]  # fmt: skip


async def test_cheatsheet_runs_in_order(
    cjs: jsm.Manager,
    nats_cluster: Cluster,
    js: jsm.Manager,
    nats_server: NatsServer,
    tmp_path: Path,
) -> None:
    on_cluster = Cli("-s", ",".join(nats_cluster.urls))
    await on_cluster.ok(*FIRST_LINE)
    info = await cjs.streams.info("ORDERS")
    assert info.config.num_replicas == 3
    assert info.cluster is not None and len(info.cluster.replicas or []) == 2
    assert info.config.max_age.total_seconds() == YEAR
    assert info.config.duplicate_window is not None
    assert info.config.duplicate_window.total_seconds() == 120
    shown = json.loads((await on_cluster.ok("str", "info", "ORDERS", "-j")).out)
    assert shown["config"] == info.config.to_wire()  # `| jq .config`: the server's config
    # natscli's request for the same flags (tests/cli/test_natscli_parity.py) makes the same stream
    natscli = STREAM_CASES["cheatsheet"][1] | {"num_replicas": 3}
    twin = await _server_config(
        cjs,
        "STREAM.CREATE.NATSCLI",
        _STREAM_BASE | natscli | {"name": "NATSCLI", "subjects": ["NATSCLI.*"]},
    )
    assert _comparable(twin) == _comparable(shown["config"])

    url = nats_server.client_url
    await run_sheet(Cli("-s", url), js, tmp_path, Names(), real_process=["-s", url])


async def test_cheatsheet_through_a_jetstream_domain(
    js_leaf: jsm.Manager, nats_hub_and_leaf: HubAndLeaf, tmp_path: Path
) -> None:
    domain = nats_hub_and_leaf.leaf_domain
    cli = Cli("-s", nats_hub_and_leaf.hub.client_url, "--js-domain", domain)
    await run_sheet(cli, js_leaf, tmp_path, Names(api=f"$JS.{domain}.API"), real_process=None)


async def test_cheatsheet_through_an_imported_api_prefix(
    js_imported: jsm.Manager, nats_accounts: ImportingAccounts, tmp_path: Path
) -> None:
    prefix = nats_accounts.api_prefix
    cli = Cli("-s", nats_accounts.importer_url, "--js-api-prefix", prefix)
    names = Names(prefix="imp.", deliver_prefix="deliver.", api=prefix)
    await run_sheet(cli, js_imported, tmp_path, names, real_process=None)


async def test_cheatsheet_from_a_natscli_context(
    js: jsm.Manager, nats_server: NatsServer, config_home: Path, tmp_path: Path
) -> None:
    context = config_home / "nats" / "context" / "sheet.json"
    context.write_text(json.dumps({"description": "test", "url": nats_server.client_url}))
    await run_sheet(Cli("--context", "sheet"), js, tmp_path, Names(), real_process=None)
