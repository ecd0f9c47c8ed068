"""``jsm apply``, ``jsm diff`` and ``jsm export`` on real servers, checked through the library.

Every state here is named after the test's unique name, and every ``--prune`` comes with
``--select`` on that name, so nothing another test made is touched.
"""

from __future__ import annotations

import json
import subprocess
from typing import TYPE_CHECKING

import jsm
from tests.cli.conftest import Cli, jsm_script, run_on_terminal, script_env

if TYPE_CHECKING:
    from pathlib import Path

    from jsm.testing import HubAndLeaf, NatsServer


def _write(directory: Path, relative: str, document: object) -> Path:
    path = directory / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix == ".json":
        path.write_text(json.dumps(document, indent=2), "utf-8")
    else:
        path.write_text(str(document), "utf-8")
    return path


def _state(directory: Path, name: str) -> Path:
    """A stream (JSON), its mirror (YAML), a consumer, a KV bucket and an object store."""
    subject = name.lower()
    _write(directory, "streams/orders.json", {"name": name, "subjects": [f"{subject}.>"]})
    _write(directory, "streams/archive.yaml", f"name: {name}_ARCHIVE\nmirror:\n  name: {name}\n")
    _write(
        directory,
        "consumers/worker.json",
        {"stream_name": name, "config": {"durable_name": "worker", "max_deliver": 5}},
    )
    _write(
        directory,
        "buckets.yaml",
        f"- key_value:\n    bucket: {name}_kv\n    history: 5\n"
        f"- object_store:\n    bucket: {name}_files\n",
    )
    return directory


async def test_apply_from_nothing_creates_everything(
    cli: Cli, js: jsm.Manager, tmp_path: Path, unique_name: str
) -> None:
    state = _state(tmp_path / "state", unique_name)
    result = await cli.ok("apply", "-f", str(state), "--yes")
    assert f"+ stream.{unique_name} will be created" in result.out
    assert result.lines[-1] == "Apply complete: 5 created, 0 updated, 0 replaced, 0 deleted."
    archive = await js.streams.info(f"{unique_name}_ARCHIVE")
    assert archive.config.mirror is not None and archive.config.mirror.name == unique_name
    worker = await (await js.streams.get(unique_name)).consumers.info("worker")
    assert worker.config.max_deliver == 5
    assert (await js.kv.status(f"{unique_name}_kv")).history == 5
    assert (await js.objects.status(f"{unique_name}_files")).bucket == f"{unique_name}_files"
    again = await cli.ok("apply", "-f", str(state), "--yes")
    assert again.lines == ["No changes: the server matches the desired state (5 resources)."]


async def test_diff_exits_0_without_drift_2_with_drift_and_1_on_an_error(
    cli: Cli, js: jsm.Manager, tmp_path: Path, unique_name: str
) -> None:
    state = _state(tmp_path / "state", unique_name)
    assert (await cli("diff", "-f", str(state))).code == 2  # nothing exists yet
    await cli.ok("apply", "-f", str(state), "--yes")
    assert (await cli.ok("diff", "-f", str(state))).lines[-1].startswith("No changes")
    _write(
        state,
        "streams/orders.json",
        {"name": unique_name, "subjects": [f"{unique_name.lower()}.>"], "max_msgs": 10},
    )
    drift = await cli("diff", "-f", str(state))
    assert drift.code == 2, drift.err
    assert f"~ stream.{unique_name} will be updated in place" in drift.out
    assert "~ max_msgs: -1 → 10" in drift.out
    as_json = await cli("diff", "-f", str(state), "-j")
    assert as_json.code == 2 and json.loads(as_json.out)["summary"]["update"] == 1
    assert (await js.streams.info(unique_name)).config.max_msgs == -1  # diff changes nothing
    _write(
        state, "consumers/lost.json", {"stream_name": "NOWHERE", "config": {"durable_name": "x"}}
    )
    error = await cli.fails("diff", "-f", str(state))
    assert "consumers/lost.json: consumer.NOWHERE.x: stream_name:" in error.err
    unreachable = await Cli("-s", "nats://127.0.0.1:1").fails("diff", "-f", str(state / "streams"))
    assert "could not connect" in unreachable.err


async def test_a_bad_file_fails_in_one_line_with_file_and_field_before_connecting(
    tmp_path: Path,
) -> None:
    bad = _write(tmp_path, "streams/bad.json", {"name": "BAD", "max_age": "1h"})
    nowhere = Cli("-s", "nats://127.0.0.1:1")  # the files are checked before connecting
    for command in ("diff", "apply"):
        result = await nowhere.fails(command, "-f", str(tmp_path))
        assert (
            result.err.strip() == f'jsm: {bad}: stream.BAD: max_age: must be an integer (got "1h")'
        )
    _write(tmp_path, "streams/worse.json", {"name": "WORSE", "subjects": 3})
    both = await nowhere("diff", "-f", str(tmp_path))
    lines = both.err.strip().splitlines()
    assert both.code == 1 and len(lines) == 2  # one line per problem, each with file and field
    assert all(line.startswith("jsm: ") for line in lines)
    assert "worse.json: stream.WORSE: subjects:" in lines[1]
    missing = await nowhere.fails("diff", "-f", str(tmp_path / "missing"))
    assert "neither a state file nor a directory" in missing.err


async def test_export_then_diff_finds_no_drift(
    cli: Cli, js: jsm.Manager, tmp_path: Path, unique_name: str
) -> None:
    stream = await js.streams.add(
        jsm.StreamConfig(
            name=unique_name,
            subjects=[f"{unique_name.lower()}.>"],
            max_msgs_per_subject=3,
            metadata={"team": "shop"},
        )
    )
    await stream.consumers.add(jsm.ConsumerConfig(durable_name="worker", max_ack_pending=7))
    await js.kv.create(jsm.KeyValueConfig(bucket=f"{unique_name}_kv", history=4))
    exported = tmp_path / "exported"
    selection = ("--select", f"{unique_name}*")
    result = await cli.ok("export", str(exported), *selection)
    assert result.lines == [f"Wrote 3 files under {exported}"]
    assert (exported / "streams" / f"{unique_name}.json").is_file()
    assert (exported / "consumers" / unique_name / "worker.json").is_file()
    assert (await cli.ok("diff", "-f", str(exported))).lines[-1].startswith("No changes")
    again = await cli.fails("export", str(exported), *selection)
    assert "3 file(s) exist already" in again.err and "--overwrite" in again.err
    await cli.ok("export", str(exported), *selection, "--overwrite")
    as_yaml = tmp_path / "yaml"
    await cli.ok("export", str(as_yaml), *selection, "--format", "yaml")
    assert (as_yaml / "key_value" / f"{unique_name}_kv.yaml").is_file()
    assert (await cli.ok("diff", "-f", str(as_yaml))).lines[-1].startswith("No changes")
    assert "--format: one of json, yaml" in (await cli.fails("export", "x", "--format", "xml")).err


async def test_prune_deletes_undeclared_streams_only_with_prune(
    cli: Cli, js: jsm.Manager, tmp_path: Path, unique_name: str
) -> None:
    state = tmp_path / "state"
    _write(state, "kept.json", {"name": f"{unique_name}_KEPT", "subjects": [f"{unique_name}.k"]})
    await js.streams.add(
        jsm.StreamConfig(name=f"{unique_name}_GONE", subjects=[f"{unique_name}.g"])
    )
    selection = ("--select", f"{unique_name}_*")
    await cli.ok("apply", "-f", str(state), "--yes", *selection)
    assert (await cli.ok("diff", "-f", str(state), *selection)).lines[-1].startswith("No changes")
    assert f"{unique_name}_GONE" in await js.streams.names().collect()
    drift = await cli("diff", "-f", str(state), "--prune", *selection)
    assert drift.code == 2 and f"- stream.{unique_name}_GONE will be deleted" in drift.out
    other = await cli("diff", "-f", str(state), "--prune", "--select", "NO_SUCH_*")
    assert other.code == 0  # outside the selection, an undeclared stream is not ours to prune
    pruned = await cli.ok("apply", "-f", str(state), "--prune", "--yes", *selection)
    assert pruned.lines[-1] == "Apply complete: 0 created, 0 updated, 0 replaced, 1 deleted."
    names = await js.streams.names().collect()
    assert f"{unique_name}_GONE" not in names and f"{unique_name}_KEPT" in names


async def test_a_replace_is_refused_without_its_flags_and_leaves_the_server_unchanged(
    cli: Cli, js: jsm.Manager, tmp_path: Path, unique_name: str
) -> None:
    subject = f"{unique_name.lower()}.x"
    document = {"name": unique_name, "subjects": [subject], "storage": "memory"}
    state = _write(tmp_path, "stream.json", document)
    await cli.ok("apply", "-f", str(state), "--yes")
    _write(tmp_path, "stream.json", document | {"storage": "file"})
    for flags in ((), ("--dry-run",)):
        refused = await cli.fails("apply", "-f", str(state), "--yes", *flags)
        assert "storage cannot change in place" in refused.err
        assert "--allow-replace" in refused.err and "nothing was applied" in refused.err
        assert f"-/+ stream.{unique_name} must be replaced" in refused.out  # the plan came first
    await js.publish(subject, b"keep me")
    lossy = await cli.fails("apply", "-f", str(state), "--yes", "--allow-replace")
    assert f"stream.{unique_name} with 1 message" in lossy.err and "--allow-data-loss" in lossy.err
    info = await js.streams.info(unique_name)
    assert (info.config.storage, info.state.messages) == (jsm.StorageType.MEMORY, 1)
    replaced = await cli.ok(
        "apply", "-f", str(state), "--yes", "--allow-replace", "--allow-data-loss"
    )
    assert replaced.lines[-1] == "Apply complete: 0 created, 0 updated, 1 replaced, 0 deleted."
    assert (await js.streams.info(unique_name)).config.storage is jsm.StorageType.FILE


async def test_a_step_the_server_refuses_stops_the_apply_in_one_line(
    cli: Cli, js: jsm.Manager, tmp_path: Path, unique_name: str
) -> None:
    taken = f"{unique_name.lower()}.taken"
    await js.streams.add(jsm.StreamConfig(name=f"{unique_name}_LIVE", subjects=[taken]))
    _write(tmp_path, "a.json", {"name": f"{unique_name}_A", "subjects": [f"{taken}.a"]})
    _write(tmp_path, "b.json", {"name": f"{unique_name}_B", "subjects": [taken]})  # overlaps
    _write(tmp_path, "c.json", {"stream_name": f"{unique_name}_B", "config": {"durable_name": "c"}})
    failed = await cli.fails("apply", "-f", str(tmp_path), "--yes")
    assert f"create of stream.{unique_name}_B failed: " in failed.err
    assert "subjects overlap" in failed.err and "(err_code 10065)" in failed.err
    assert (
        f"applied before it: stream.{unique_name}_A; nothing after it was attempted" in failed.err
    )
    names = await js.streams.names().collect()
    assert f"{unique_name}_A" in names and f"{unique_name}_B" not in names


async def test_dry_run_and_a_missing_yes_change_nothing(
    cli: Cli, js: jsm.Manager, tmp_path: Path, unique_name: str
) -> None:
    state = _state(tmp_path / "state", unique_name)
    dry = await cli.ok("apply", "-f", str(state), "--dry-run")  # no --yes needed: nothing to ask
    assert dry.lines[-1] == "Dry run: 5 changes checked, nothing applied."
    as_json = json.loads((await cli.ok("apply", "-f", str(state), "--dry-run", "-j")).out)
    assert (as_json["dry_run"], as_json["applied"], as_json["summary"]["create"]) == (True, [], 5)
    unconfirmed = await cli.fails("apply", "-f", str(state))
    assert "Apply 5 changes? pass --yes to confirm when not on a terminal" in unconfirmed.err
    assert not [n async for n in js.streams.names() if n.startswith(("KV_", "OBJ_", unique_name))]


async def test_apply_diff_and_export_through_a_jetstream_domain(
    js_leaf: jsm.Manager, nats_hub_and_leaf: HubAndLeaf, tmp_path: Path, unique_name: str
) -> None:
    cli = Cli("-s", nats_hub_and_leaf.hub.client_url, "--js-domain", nats_hub_and_leaf.leaf_domain)
    state = _state(tmp_path / "state", unique_name)
    applied = json.loads((await cli.ok("apply", "-f", str(state), "--yes", "-j")).out)
    assert len(applied["applied"]) == 5 and not applied["dry_run"]
    assert (await js_leaf.streams.info(f"{unique_name}_ARCHIVE")).config.mirror is not None
    assert (await js_leaf.kv.status(f"{unique_name}_kv")).history == 5
    assert (await cli.ok("diff", "-f", str(state))).lines[-1].startswith("No changes")
    exported = tmp_path / "exported"
    await cli.ok("export", str(exported), "--select", f"{unique_name}*")
    assert (await cli.ok("diff", "-f", str(exported))).lines[-1].startswith("No changes")


def test_the_plan_is_coloured_on_a_terminal_only_and_never_with_no_color(
    nats_server: NatsServer, tmp_path: Path, unique_name: str
) -> None:
    state = _write(tmp_path, "stream.json", {"name": unique_name, "subjects": ["colour.>"]})
    args = ["-s", nats_server.client_url, "diff", "-f", str(state)]
    coloured = {k: v for k, v in script_env().items() if k != "NO_COLOR"} | {"TERM": "xterm"}
    code, shown = run_on_terminal(args, coloured)
    assert code == 2 and f"\x1b[32m+ stream.{unique_name}\x1b[0m will be created" in shown
    code, plain = run_on_terminal(args, coloured | {"NO_COLOR": "1"})
    assert code == 2 and f"+ stream.{unique_name} will be created" in plain
    assert "\x1b[" not in plain
    piped = subprocess.run(
        [jsm_script(), *args], capture_output=True, text=True, env=coloured, timeout=60
    )
    assert piped.returncode == 2 and "\x1b[" not in piped.stdout
