"""Loading desired state from files: formats, and every problem reported with its file and field."""

from __future__ import annotations

import json
import sys
from datetime import timedelta
from typing import TYPE_CHECKING

import pytest

import jsm
from jsm.declarative import ResourceKind, StateError

if TYPE_CHECKING:
    from pathlib import Path

STREAM = {"name": "ORDERS", "subjects": ["orders.>"], "max_age": 3_600_000_000_000}
CONSUMER = {
    "stream_name": "ORDERS",
    "config": {"durable_name": "worker", "ack_wait": 10_000_000_000},
}


def _write(root: Path, files: dict[str, object]) -> Path:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content if isinstance(content, str) else json.dumps(content))
    return root


def _problems(root: Path) -> list[tuple[str, str | None, str | None, str]]:
    with pytest.raises(StateError) as bad:
        jsm.DesiredState.load(root)
    return [
        (p.source.replace(str(root) + "/", ""), p.resource, p.field, p.message)
        for p in bad.value.problems
    ]


def test_json_and_yaml_files_make_one_state(tmp_path: Path) -> None:
    natscli = jsm.StreamConfig(name="LOGS", subjects=["logs.>"], max_age=timedelta(days=1)).to_json(
        indent=2
    )
    _write(
        tmp_path,
        {
            "streams/orders.json": STREAM,
            "streams/logs.json": natscli,
            "consumers.yaml": "stream_name: ORDERS\nconfig:\n  durable_name: worker\n  ack_wait: 10000000000\n",
            "buckets.yml": "- key_value: {bucket: config, history: 5, ttl: 60000000000}\n"
            "- object_store: {bucket: files}\n",
            "more.yaml": "---\nname: A\nsubjects: [a]\n---\nname: B\nsubjects: [b]\n",
            ".hidden/ignored.json": "not json",
            "README.md": "not state",
        },
    )
    state = jsm.DesiredState.load(tmp_path)
    assert sorted(d.address for d in state) == [
        "consumer.ORDERS.worker",
        "key_value.config",
        "object_store.files",
        "stream.A",
        "stream.B",
        "stream.LOGS",
        "stream.ORDERS",
    ]
    (orders,) = [d for d in state if d.address == "stream.ORDERS"]
    assert orders.config == jsm.StreamConfig(
        name="ORDERS", subjects=["orders.>"], max_age=timedelta(hours=1)
    )
    assert orders.source == str(tmp_path / "streams" / "orders.json")
    (kv,) = state.of_kind(ResourceKind.KEY_VALUE)
    assert kv.config == jsm.KeyValueConfig(bucket="config", history=5, ttl=timedelta(minutes=1))
    assert kv.source.endswith("buckets.yml[0]") and kv.stream_name == "KV_config"
    (consumer,) = state.of_kind(ResourceKind.CONSUMER)
    assert isinstance(consumer.config, jsm.ConsumerConfig) and consumer.stream == "ORDERS"
    assert consumer.config.ack_wait == timedelta(seconds=10)
    assert [d.source.rsplit("/", 1)[1] for d in state if d.name in "AB"] == [
        "more.yaml#1",
        "more.yaml#2",
    ]


def test_one_file_can_be_loaded_alone(tmp_path: Path) -> None:
    path = tmp_path / "all.json"
    path.write_text(json.dumps([STREAM, CONSUMER]))
    assert [d.address for d in jsm.DesiredState.load(path)] == [
        "stream.ORDERS",
        "consumer.ORDERS.worker",
    ]


def test_every_schema_failure_is_reported_with_file_and_field(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "a.json": {"name": "A", "max_age": "1h", "storage": "disk"},
            "b.json": {
                "stream_name": "A",
                "config": {"durable_name": "w", "deliver_policy": "by_start_sequence"},
            },
            "c.json": {"key_value": {"bucket": "cfg", "histroy": 5}},
            "d.json": {"name": "D", "sources": [{"filter_subject": "x"}]},
        },
    )
    assert _problems(tmp_path) == [
        ("a.json", "stream.A", "max_age", 'must be an integer (got "1h")'),
        ("a.json", "stream.A", "storage", 'must be one of "file", "memory" (got "disk")'),
        ("b.json", "consumer.A.w", "config.opt_start_seq", "is required"),
        (
            "c.json",
            "key_value.cfg",
            "key_value.histroy",
            "is not a known field (check its spelling)",
        ),
        ("d.json", "stream.D", "sources[0].name", "is required"),
    ]


def test_broken_files_and_unknown_documents_are_problems(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {"a.json": "{nope", "b.yaml": "key: [unclosed", "c.json": {"size": 1}, "d.json": [1]},
    )
    problems = _problems(tmp_path)
    assert [(source, message.split(":")[0]) for source, _, _, message in problems] == [
        ("a.json", "is not valid JSON"),
        ("b.yaml", "is not valid YAML"),
        ("c.json", "cannot tell what it declares (keys"),
        ("d.json[0]", "is not an object"),
    ]


def test_two_files_declaring_one_stream_name_both(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "one.json": STREAM,
            "two.json": STREAM | {"max_age": 0},
            "kv.json": {"key_value": {"bucket": "x"}},
            "stream.json": {"name": "KV_x", "subjects": ["y"]},
        },
    )
    problems = _problems(tmp_path)
    assert [(s, r) for s, r, _, _ in problems] == [
        ("stream.json", "stream.KV_x"),
        ("two.json", "stream.ORDERS"),
    ]
    assert (
        problems[1][3] == f"declared twice: also declared as stream.ORDERS in {tmp_path}/one.json"
    )
    assert "both are the stream 'KV_x'" in problems[0][3]


def test_a_mirror_cycle_is_refused_with_its_files(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "a.json": {"name": "A", "mirror": {"name": "B"}},
            "b.json": {"name": "B", "sources": [{"name": "C"}]},
            "c.json": {"name": "C", "mirror": {"name": "A"}},
            "self.json": {"name": "SELF", "mirror": {"name": "SELF"}},
        },
    )
    problems = _problems(tmp_path)
    assert [(s, f) for s, _, f, _ in problems] == [
        ("a.json", "mirror.name"),
        ("c.json", "mirror.name"),
        ("self.json", "mirror.name"),
    ]
    assert problems[0][3].startswith(
        "mirror cycle: A mirrors B, B sources C, C mirrors A (declared in "
    )
    assert "SELF mirrors SELF" in problems[2][3]


def test_sources_may_form_a_loop_without_a_mirror() -> None:
    state = jsm.DesiredState()
    state.add_stream(
        jsm.StreamConfig(
            name="A", subjects=["a"], sources=[jsm.StreamSource(name="B", filter_subject="b")]
        )
    )
    state.add_stream(
        jsm.StreamConfig(
            name="B", subjects=["b"], sources=[jsm.StreamSource(name="A", filter_subject="a")]
        )
    )
    assert state.problems() == []


def test_configurations_are_checked_as_the_api_checks_them() -> None:
    state = jsm.DesiredState()
    state.add_stream(
        jsm.StreamConfig(name="M", subjects=["m"], mirror=jsm.StreamSource(name="O")),
        source="m.json",
    )
    state.add_consumer("O", jsm.ConsumerConfig(name="ephemeral"), source="c.json")
    state.add_consumer(
        "O",
        jsm.ConsumerConfig(durable_name="w", deliver_policy=jsm.DeliverPolicy.BY_START_SEQUENCE),
    )
    state.add_key_value(jsm.KeyValueConfig(bucket="cfg", history=100))
    with pytest.raises(StateError) as bad:
        state.check()
    messages = [str(p) for p in bad.value.problems]
    assert messages[0].startswith(
        "m.json: stream.M: stream is a mirror of 'O', so it cannot have subjects"
    )
    assert messages[1].startswith(
        "c.json: consumer.O.ephemeral: a declared consumer must be durable"
    )
    assert (
        messages[2]
        == "<code>: consumer.O.w: deliver_policy by_start_sequence needs opt_start_seq (≥ 1)"
    )
    assert messages[3] == "<code>: key_value.cfg: history must be 1 to 64 values per key (got 100)"
    assert str(bad.value).startswith("the desired state has 4 problems:\n  m.json: stream.M:")
    assert isinstance(bad.value, jsm.errors.InvalidOptionError)


def test_yaml_without_pyyaml_says_which_extra_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "yaml", None)  # as if PyYAML were not installed
    _write(tmp_path, {"a.json": STREAM})
    assert [d.address for d in jsm.DesiredState.load(tmp_path)] == ["stream.ORDERS"]
    _write(tmp_path, {"b.yaml": "name: B\nsubjects: [b]\n"})
    with pytest.raises(
        jsm.errors.InvalidOptionError,
        match=r"b.yaml is a YAML file: .*pip install 'jsm\[declarative\]'",
    ):
        jsm.DesiredState.load(tmp_path)
    with pytest.raises(jsm.errors.InvalidOptionError, match="needs PyYAML"):
        jsm.DesiredState.load(tmp_path / "a.json").write(tmp_path / "out", format="yaml")


def test_a_missing_path_is_an_error() -> None:
    with pytest.raises(jsm.errors.InvalidOptionError, match="neither a state file nor a directory"):
        jsm.DesiredState.load("/nonexistent/state")


@pytest.mark.parametrize("fmt", ["json", "yaml"])
def test_a_written_state_loads_back_equal(tmp_path: Path, fmt: str) -> None:
    state = jsm.DesiredState()
    state.add_stream(
        jsm.StreamConfig(name="ORDERS", subjects=["orders.>"], max_age=timedelta(days=7))
    )
    state.add_consumer(
        "ORDERS",
        jsm.ConsumerConfig(durable_name="worker", backoff=[timedelta(seconds=1)], max_deliver=3),
    )
    state.add_key_value(jsm.KeyValueConfig(bucket="cfg", mirror=jsm.StreamSource(name="origin")))
    state.add_object_store(jsm.ObjectStoreConfig(bucket="files", ttl=timedelta(hours=1)))
    written = state.write(tmp_path, format=fmt)  # type: ignore[arg-type]  # parametrized literal
    assert sorted(str(p.relative_to(tmp_path)) for p in written) == sorted(
        [
            f"streams/ORDERS.{fmt}",
            f"consumers/ORDERS/worker.{fmt}",
            f"key_value/cfg.{fmt}",
            f"object_stores/files.{fmt}",
        ]
    )
    loaded = jsm.DesiredState.load(tmp_path)
    assert sorted((d.address, d.config) for d in loaded) == sorted(
        (d.address, d.config) for d in state
    )
    with pytest.raises(jsm.errors.InvalidOptionError, match=r"4 file\(s\) exist already"):
        state.write(tmp_path, format=fmt)  # type: ignore[arg-type]  # parametrized literal
    assert state.write(tmp_path, format=fmt, overwrite=True) == written  # type: ignore[arg-type]  # parametrized literal


def test_only_json_or_yaml_can_be_written(tmp_path: Path) -> None:
    with pytest.raises(jsm.errors.InvalidOptionError, match="format must be 'json' or 'yaml'"):
        jsm.DesiredState().write(tmp_path, format="toml")  # type: ignore[arg-type]  # the point of the test
