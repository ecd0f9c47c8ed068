"""Read a desired state from JSON and YAML files, reporting every problem with its file and field.

A document is a stream (natscli's ``stream.json``: it has ``name``), a consumer
(``{"stream_name": ..., "config": {consumer.json}}``, the body of the server's
``CONSUMER.CREATE`` request), a Key-Value bucket (``{"key_value": {...}}``) or an object
store (``{"object_store": {...}}``); a file holds one document or a list of them (YAML:
several ``---`` documents too). Durations are integer nanoseconds, as on the wire.
Streams and consumers are checked against the JetStream schemas (a file may leave out
the fields the schema requires: they get the defaults the models and the server give),
then parsed by the models; the state is then checked as a whole. PyYAML is imported only for YAML files.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any, Final, TypeVar

import pydantic

from jsm._errors_base import InvalidOptionError
from jsm.declarative._errors import Problem, StateError
from jsm.declarative._schema import CONSUMER_SCHEMA, STREAM_SCHEMA, load_schema, schema_errors
from jsm.declarative.state import DesiredState
from jsm.models import ConsumerConfig, KeyValueConfig, ObjectStoreConfig, StreamConfig

__all__ = ["SUFFIXES", "load_state", "read_documents"]

SUFFIXES: Final = (".json", ".yaml", ".yml")
YAML_HINT: Final = "install PyYAML with: pip install 'jsm[declarative]'"
_M = TypeVar("_M", bound=pydantic.BaseModel)
_BUCKETS: Final = ("key_value", "object_store")
# The schema requires the three policies; left out, they take the model's (natscli's) defaults.
_CONSUMER_DEFAULTS: Final = {
    "deliver_policy": "all",
    "ack_policy": "explicit",
    "replay_policy": "instant",
}
_SHAPES: Final = (
    "a stream has 'name'; a consumer has 'stream_name' and 'config'; "
    "a bucket is {'key_value': {...}} or {'object_store': {...}}"
)


def load_state(path: str | Path) -> DesiredState:
    """Read one file or every state file under a directory (sorted, hidden ones skipped).

    Raises:
        StateError: every problem found in the files and in the state they make.
        InvalidOptionError: ``path`` does not exist, or YAML files without PyYAML.
    """
    files = _files(Path(path))
    state = DesiredState()
    problems: list[Problem] = []
    for file in files:
        for where, document in read_documents(file, problems):
            _declare(state, document, where, problems)
    problems += state.problems()
    if problems:
        raise StateError(problems)
    return state


def _files(root: Path) -> list[Path]:
    if root.is_file():
        return [root]
    if not root.is_dir():
        raise InvalidOptionError(f"{root} is neither a state file nor a directory of them")
    return sorted(
        p
        for p in root.rglob("*")
        if p.is_file()
        and p.suffix.lower() in SUFFIXES
        and not any(part.startswith(".") for part in p.relative_to(root).parts)
    )


def read_documents(file: Path, problems: list[Problem]) -> list[tuple[str, object]]:
    """The documents of one file, each with where it is (``file`` or ``file[2]``)."""
    try:
        text = file.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as err:
        problems.append(Problem(str(file), None, None, f"cannot be read: {err}"))
        return []
    if file.suffix.lower() == ".json":
        try:
            documents = [json.loads(text)]
        except json.JSONDecodeError as err:
            problems.append(Problem(str(file), None, None, f"is not valid JSON: {err}"))
            return []
    else:
        documents = _yaml_documents(file, text, problems)
    found: list[tuple[str, object]] = []
    many = len(documents) > 1
    for number, document in enumerate(documents):
        where = f"{file}#{number + 1}" if many else str(file)
        if isinstance(document, list):
            found += [(f"{where}[{i}]", item) for i, item in enumerate(document)]
        elif document is not None:
            found.append((where, document))
    return found


def _yaml_documents(file: Path, text: str, problems: list[Problem]) -> list[object]:
    try:
        import yaml
    except ImportError:
        raise InvalidOptionError(f"{file} is a YAML file: {YAML_HINT}") from None
    try:
        return list(yaml.safe_load_all(text))
    except yaml.YAMLError as err:
        problems.append(Problem(str(file), None, None, f"is not valid YAML: {err}"))
        return []


def _declare(state: DesiredState, document: object, where: str, problems: list[Problem]) -> None:
    if not isinstance(document, dict):
        problems.append(Problem(where, None, None, f"is not an object: {_SHAPES}"))
    elif "stream_name" in document or "config" in document:
        _consumer(state, document, where, problems)
    elif len(document) == 1 and next(iter(document)) in _BUCKETS:
        _bucket(state, document, where, problems)
    elif "name" in document:
        _stream(state, document, where, problems)
    else:
        keys = ", ".join(sorted(map(str, document))) or "none"
        problems.append(
            Problem(where, None, None, f"cannot tell what it declares (keys: {keys}): {_SHAPES}")
        )


def _stream(
    state: DesiredState, document: dict[str, Any], where: str, problems: list[Problem]
) -> None:
    address = f"stream.{document.get('name')}"
    errors = schema_errors(document, _stream_schema())
    if errors:
        problems += [Problem(where, address, field or None, message) for field, message in errors]
        return
    config = _parse(StreamConfig, document, where, address, "", problems)
    if config is not None:
        state.add_stream(config, source=where)


def _consumer(
    state: DesiredState, document: dict[str, Any], where: str, problems: list[Problem]
) -> None:
    stream, body = document.get("stream_name"), document.get("config")
    name = body.get("durable_name") or body.get("name") if isinstance(body, dict) else None
    address = f"consumer.{stream}.{name}"
    extra = sorted(set(document) - {"stream_name", "config"})
    found = [
        (key, "is not a known field: a consumer file has stream_name and config") for key in extra
    ]
    if not isinstance(stream, str) or not stream:
        found.append(("stream_name", "is required: the name of the consumer's stream"))
    if not isinstance(body, dict):
        found.append(("config", "is required: the consumer's configuration (consumer.json)"))
    else:
        found += schema_errors(_CONSUMER_DEFAULTS | body, load_schema(CONSUMER_SCHEMA), "config")
    if found:
        problems += [Problem(where, address, field, message) for field, message in found]
        return
    config = _parse(ConsumerConfig, dict(body or {}), where, address, "config.", problems)
    if config is not None and isinstance(stream, str):
        state.add_consumer(stream, config, source=where)


def _bucket(
    state: DesiredState, document: dict[str, Any], where: str, problems: list[Problem]
) -> None:
    ((key, body),) = document.items()
    name = body.get("bucket") if isinstance(body, dict) else None
    address = f"{key}.{name}"
    if not isinstance(body, dict):
        problems.append(
            Problem(where, address, key, "must be an object with the bucket's settings")
        )
        return
    if key == "key_value":
        kv = _parse(KeyValueConfig, body, where, address, f"{key}.", problems)
        if kv is not None:
            state.add_key_value(kv, source=where)
    else:
        store = _parse(ObjectStoreConfig, body, where, address, f"{key}.", problems)
        if store is not None:
            state.add_object_store(store, source=where)


def _parse(
    model: type[_M],
    body: dict[str, Any],
    where: str,
    address: str,
    prefix: str,
    problems: list[Problem],
) -> _M | None:
    """Parse in JSON mode (durations as nanoseconds); unknown fields are problems."""
    try:
        parsed = model.model_validate_json(json.dumps(body, default=_json_default))
    except TypeError as err:
        problems.append(Problem(where, address, prefix.rstrip(".") or None, str(err)))
        return None
    except pydantic.ValidationError as err:
        for item in err.errors():
            field = prefix + ".".join(str(part) for part in item["loc"])
            problems.append(Problem(where, address, field.rstrip(".") or None, item["msg"]))
        return None
    unknown = _unknown(parsed)
    problems += [
        Problem(where, address, prefix + field, "is not a known field (check its spelling)")
        for field in unknown
    ]
    return None if unknown else parsed


def _unknown(model: pydantic.BaseModel, path: str = "") -> list[str]:
    found = [f"{path}{key}" for key in (model.model_extra or {})]
    for name in type(model).model_fields:
        value = getattr(model, name)
        items = value if isinstance(value, list) else [value]
        for index, item in enumerate(items):
            if isinstance(item, pydantic.BaseModel):
                where = f"{name}[{index}]" if isinstance(value, list) else name
                found += _unknown(item, f"{path}{where}.")
    return found


def _json_default(value: object) -> object:
    # YAML reads unquoted timestamps as datetimes; the models take RFC 3339 text.
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not a JSON value")


@cache
def _stream_schema() -> dict[str, object]:
    """The stream schema with only ``name`` required: left-out fields get the server's defaults."""
    return load_schema(STREAM_SCHEMA) | {"required": ["name"]}
